import type { Envelope } from '@practice-sync/contracts';
import { Topics } from '@practice-sync/contracts';
import { Kafka, logLevel } from 'kafkajs';

import { requestJson } from '../stack/http';
import type { RunSnapshot } from './compare-runs';
import { maskIds, RUN_CELL } from './compare-runs';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Subject {
  kind: string;
  value: string | null;
}
interface JobView {
  clientId: string;
  category: string;
  subject: Subject;
  period: string | null;
  outcome: string | null;
  errorCode: string | null;
  counts: { added: number; updated: number; removed: number; unchanged: number };
}

/** The public API of one firm, as the chaos suite reads it (Bearer key, JSON, paged lists). */
export class FirmApi {
  constructor(
    readonly gatewayUrl: string,
    readonly apiKey: string,
    /** Further gateway instances: a read no instance answered (connection refused or reset) goes to the next. */
    readonly otherGatewayUrls: readonly string[] = [],
  ) {}

  /** Every gateway instance this API may use, the first preferred. */
  get gatewayUrls(): string[] {
    return [this.gatewayUrl, ...this.otherGatewayUrls];
  }

  async get<T>(path: string): Promise<T> {
    const urls = this.gatewayUrls;
    let instance = 0;
    for (let busyTries = 0; ; ) {
      try {
        return await requestJson<T>('GET', `${urls[instance]}${path}`, {
          bearer: this.apiKey,
          timeoutMs: 60_000,
        });
      } catch (e) {
        // fetch reports a refused or reset connection as a TypeError: the next gateway instance. A 502–504 answer
        // (a service behind the gateway busy or restarting) is read again a moment later, a few times.
        if (e instanceof TypeError && instance + 1 < urls.length) {
          instance++;
          continue;
        }
        if (!/-> 50[234]:/.test((e as Error).message) || ++busyTries > 5) throw e;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  /** Every item of a cursor-paged list (`limit` per page). */
  async all<T>(path: string, limit = 200): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    const sep = path.includes('?') ? '&' : '?';
    do {
      const page: Page<T> = await this.get<Page<T>>(
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }
}

const push = (into: Record<string, string[]>, key: string, value: string) => {
  (into[key] ??= []).push(value);
};
const cell = (client: string, x: { category: string; subject: Subject; period: string | null }) =>
  `${client}|${x.category}|${x.subject.kind}:${x.subject.value ?? ''}|${x.period ?? ''}`;

/** The firm's jobs of a run, keyed by client name (the same in both firms) and cell. */
export async function readJobs(api: FirmApi, runId: string, names: Map<string, string>) {
  const jobs: Record<string, string[]> = {};
  for (const j of await api.all<JobView>(`/v1/sync-runs/${runId}/jobs`)) {
    const c = j.counts;
    push(
      jobs,
      cell(names.get(j.clientId) ?? j.clientId, j),
      `${j.outcome ?? 'null'} ${j.errorCode ?? '-'} +${c.added} ~${c.updated} -${c.removed} =${c.unchanged}`,
    );
  }
  return jobs;
}

/** Client id → name of every client of the firm. */
export async function clientNames(api: FirmApi): Promise<Map<string, string>> {
  const clients = await api.all<{ id: string; name: string }>('/v1/clients');
  return new Map(clients.map((c) => [c.id, c.name]));
}

/** Total change-feed entries of the firm's clients (to wait for client-master to apply a run's records). */
export async function feedSize(api: FirmApi, clientIds: readonly string[]): Promise<number> {
  let n = 0;
  for (const id of clientIds) n += (await api.all<unknown>(`/v1/clients/${id}/changes`)).length;
  return n;
}

/**
 * Events other systems see (`sync.runs.v1`, `client.events.v1`) for one firm, read from the beginning of each
 * topic to its end as of now: one value per distinct event id, keyed by type and content with ids and instants
 * masked. Run progress events are left out: how many there are depends on timing, not on what the run did.
 */
export async function readFirmEvents(
  brokers: string,
  prefix: string,
  firmId: string,
  names: ReadonlyMap<string, string> = new Map(),
): Promise<Record<string, string[]>> {
  const cellOfEvent = (d: Record<string, unknown>): string => {
    const subject = d['subject'] as Subject | undefined;
    if (typeof d['runId'] === 'string' && typeof d['totals'] === 'object') return RUN_CELL;
    if (typeof d['category'] !== 'string' || !subject) return '-|-|-|-';
    const client = names.get(String(d['clientId'])) ?? String(d['clientId']);
    return cell(client, { category: d['category'], subject, period: (d['period'] as string | null) ?? null });
  };
  const kafka = new Kafka({
    clientId: 'chaos-events',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8 },
  });
  const topics = [Topics.Runs, Topics.ClientEvents].map((t) => `${prefix}${t}`);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic))
        ends.set(`${topic}:${p.partition}`, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  const events: Record<string, string[]> = {};
  const seen = new Set<string>();
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([k]) => k));
  if (!pending.size) return events;
  const consumer = kafka.consumer({ groupId: `chaos-events-${firmId}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const part = `${topic}:${partition}`;
        const e = JSON.parse(message.value?.toString('utf8') ?? '{}') as Envelope<Record<string, unknown>>;
        if (
          e.firmId === firmId &&
          !seen.has(e.id) &&
          !(e.type === 'sync.run.changed' && e.data['change'] === 'progress')
        ) {
          seen.add(e.id);
          push(events, `${cellOfEvent(e.data)}|${e.type} ${maskIds(e.data)}`, '1');
        }
        if (BigInt(message.offset) + 1n >= (ends.get(part) ?? 0n)) pending.delete(part);
        if (!pending.size) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        finished,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`events of firm ${firmId}: topics not read to the end in 120 s`)),
            120_000,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.disconnect();
  }
  return events;
}

/** What the firm holds after a run: its jobs, every client's records, change feed and status grid, and events. */
export async function readRunSnapshot(
  api: FirmApi,
  answeredRunId: string | null,
  kafka: { brokers: string; prefix: string; firmId: string },
): Promise<RunSnapshot> {
  const names = await clientNames(api);
  const runs = await api.all<{ id: string }>('/v1/sync-runs');
  // A run created whose id never came back is still read: its data is the firm's either way.
  const runId = answeredRunId ?? (runs.length === 1 ? runs[0].id : null);
  const snapshot: RunSnapshot = {
    status: null,
    runs: runs.length,
    answered: answeredRunId !== null,
    jobs: {},
    records: {},
    feed: {},
    grid: {},
    events: {},
  };
  if (runId) {
    snapshot.status = (await api.get<{ status: string }>(`/v1/sync-runs/${runId}`)).status;
    snapshot.jobs = await readJobs(api, runId, names);
  }
  for (const [id, name] of names) {
    type Row = { category: string; subject: Subject; period: string | null; naturalKey: string };
    for (const r of await api.all<Row & { hash: string; version: number; removedAt: string | null }>(
      `/v1/clients/${id}/records`,
    )) {
      push(
        snapshot.records,
        `${cell(name, r)}|${r.naturalKey}`,
        `${r.hash} v${r.version}${r.removedAt ? ' removed' : ''}`,
      );
    }
    for (const c of await api.all<Row & { change: string }>(`/v1/clients/${id}/changes`)) {
      push(snapshot.feed, `${cell(name, c)}|${c.naturalKey}|${c.change}`, '1');
    }
    const grid = await api.get<{
      items: {
        category: string;
        subject: Subject;
        period: string | null;
        lastOutcome: string;
        lastErrorCode: string | null;
      }[];
    }>(`/v1/clients/${id}/status`);
    for (const g of grid.items)
      push(snapshot.grid, cell(name, g), `${g.lastOutcome} ${g.lastErrorCode ?? '-'}`);
  }
  snapshot.events = await readFirmEvents(kafka.brokers, kafka.prefix, kafka.firmId, names);
  return snapshot;
}
