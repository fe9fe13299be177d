/**
 * connector-gst's per-job work without the process around it (issue 26): the five GST fetchers (connector-gst's
 * own classes) over the sandbox's real answers in the pipeline's portal world, then the kit's finishing work on
 * what they return — the snapshot compare, the record changes, their chunks, each chunk's validated envelope and
 * its JSON, as the job runner does. The answers are recorded once from a real sandbox process (zero latency,
 * access lax, GST period 10/2026) and replayed from memory, so the figure is CPU of this process per job, with
 * no sockets, database or Kafka. Per stage: fetch (JSON parse, decode, records and their hashes), finish.
 *
 * `BENCH_GST_SUBJECTS` (40) GSTINs × 5 categories, replayed `BENCH_GST_ROUNDS` (5) times after one warm-up.
 * The note carries digests of the records (key, hash, data) and of the envelopes' `changes` JSON: a change to
 * the per-record work must leave both as they were.
 */
import { createHash } from 'node:crypto';

import type { ConnectorJob, FetchResult, PortalFetcher, PortalTransport } from '@practice-sync/connector-kit';
import type { AccessStore } from '@practice-sync/connector-kit';
import {
  ConnectorMetrics,
  diffRecords,
  outcomeOfFetch,
  PortalBreaker,
  PortalHttpClient,
  recordsChangedEvents,
  toHashMap,
  undiciTransport,
} from '@practice-sync/connector-kit';
import type { Category } from '@practice-sync/contracts';
import { encodeEvent } from '@practice-sync/messaging';
import { startSandboxProcess } from '@practice-sync/testing';
import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';

import { GstApi } from '../apps/connector-gst/src/gst-api/gst-api.client';
import { GstSessionService } from '../apps/connector-gst/src/gst-api/gst-session.service';
import { explainingNoData } from '../apps/connector-gst/src/gst-api/no-data-reason';
import { Gstr1Fetcher } from '../apps/connector-gst/src/gstr1/gstr1.fetcher';
import { Gstr2bFetcher } from '../apps/connector-gst/src/gstr2b/gstr2b.fetcher';
import { Gstr3bLedgersFetcher } from '../apps/connector-gst/src/gstr3b-ledgers/gstr3b-ledgers.fetcher';
import { Ims2aFetcher } from '../apps/connector-gst/src/ims-2a/ims-2a.fetcher';
import { NoticesRegisterFetcher } from '../apps/connector-gst/src/notices-register/notices-register.fetcher';
import { gstinFor, panFor } from './lib/identities';
import { BENCH_WORLD, ZERO_LATENCY_ENV } from './lib/zero-latency';

const intFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};

interface Recorded {
  status: number;
  text: string;
  retryAfter: string | null;
}

/** connector-gst's fetchers as app.module.ts wires them (default API versions), over `transport`. */
function gstFetchers(baseUrl: string, transport: PortalTransport) {
  const breaker = new PortalBreaker('gst', {
    timeoutMs: 30_000,
    errorThresholdPercentage: 50,
    resetTimeoutMs: 1000,
    volumeThreshold: 1_000_000,
  });
  const metrics = new ConnectorMetrics(new Registry(), 'gst');
  const http = new PortalHttpClient({ baseUrl, requestTimeoutMs: 30_000, breaker, metrics, transport });
  const access = { get: async () => null, getForJob: async () => null } as unknown as AccessStore;
  const sessions = new GstSessionService(http, access, metrics, {
    authVersion: 'v1.0',
    encryption: true,
    publicKeyPath: '/_sandbox/public-key',
    requireCredentials: false,
    refreshMarginMs: 60_000,
  });
  const api = new GstApi(http, sessions, {
    returnsVersion: 'v1.0',
    asyncWaitMaxMs: 10_000,
    asyncPollIntervalMs: 0,
  });
  const fetchers: PortalFetcher[] = [
    new Gstr2bFetcher(api, { apiVersion: 'v4.0' }),
    new Gstr1Fetcher(api, { gstr1Version: 'v4.0', gstr1aVersion: 'v1.0' }),
    new Ims2aFetcher(api, { imsVersion: 'v1.0', gstr2aVersion: 'v4.0' }),
    new Gstr3bLedgersFetcher(api, { gstr3bVersion: 'v6.0', ledgerVersion: 'v1.0' }),
    new NoticesRegisterFetcher(api, { noticesVersion: 'v1.0', commonVersion: 'v1.0' }),
  ].map((fetcher) => explainingNoData(fetcher, api));
  return { fetchers, breaker };
}

function jobsFor(subjects: number): ConnectorJob[] {
  const jobs: ConnectorJob[] = [];
  const categories: Category[] = [
    'gst.gstr2b',
    'gst.gstr1_1a',
    'gst.ims_2a',
    'gst.gstr3b_ledgers',
    'gst.notices_return_register',
  ];
  for (let n = 0; n < subjects; n++) {
    for (const category of categories) {
      jobs.push({
        jobId: uuidv7(),
        attempt: 1,
        runId: uuidv7(),
        clientId: uuidv7(),
        firmId: uuidv7(),
        category,
        subject: { kind: 'gstin', value: gstinFor(panFor(n)) },
        period: BENCH_WORLD.period.gst,
      });
    }
  }
  return jobs;
}

/** The job runner's finishing work on a first fetch (snapshot compare, changes, chunks, envelopes, JSON). */
function finish(job: ConnectorJob, result: FetchResult): string[] {
  const fetch = outcomeOfFetch(null, toHashMap(result.records));
  const changes = diffRecords(fetch.compared, result.records);
  return recordsChangedEvents(job, changes, 256_000, null).map((event) => encodeEvent(event).value);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function run() {
  const subjects = intFromEnv('BENCH_GST_SUBJECTS', 40);
  const rounds = intFromEnv('BENCH_GST_ROUNDS', 5);
  const sandbox = await startSandboxProcess({
    ...ZERO_LATENCY_ENV,
    ...BENCH_WORLD.env,
    SANDBOX_REQUIRE_SESSIONS: 'false',
    LOG_LEVEL: 'silent',
  });
  const answers = new Map<string, Recorded>();
  const keyOf = (method: string, url: string, body?: string) => `${method} ${url} ${body ?? ''}`;
  const jobs = jobsFor(subjects);
  try {
    const live = undiciTransport();
    const recording: PortalTransport = async (req) => {
      const res = await live(req);
      answers.set(keyOf(req.method, req.url, req.body), {
        status: res.status,
        text: res.text,
        retryAfter: res.header('retry-after'),
      });
      return res;
    };
    const { fetchers, breaker } = gstFetchers(`${sandbox.url}/gst`, recording);
    const signal = new AbortController().signal;
    for (const job of jobs) await fetchers.find((f) => f.category === job.category)?.fetch(job, signal);
    breaker.shutdown();
  } finally {
    await sandbox.stop();
  }

  const replay: PortalTransport = async (req) => {
    const answer = answers.get(keyOf(req.method, req.url, req.body));
    if (!answer) throw new Error(`no recorded answer for ${req.method} ${req.url}`);
    return { status: answer.status, text: answer.text, header: () => answer.retryAfter };
  };
  let fetchMs = 0;
  let finishMs = 0;
  let records = 0;
  let recordsDigest = '';
  let changesDigest = '';
  for (let r = 0; r <= rounds; r++) {
    const { fetchers, breaker } = gstFetchers(`${sandbox.url}/gst`, replay);
    const signal = new AbortController().signal;
    const recordHash = createHash('sha256');
    const changesHash = createHash('sha256');
    let roundFetch = 0;
    let roundFinish = 0;
    let roundRecords = 0;
    for (const job of jobs) {
      const fetcher = fetchers.find((f) => f.category === job.category);
      if (!fetcher) throw new Error(`no fetcher for ${job.category}`);
      const t0 = cpuMs();
      const result = await fetcher.fetch(job, signal);
      const t1 = cpuMs();
      const values = finish(job, result);
      const t2 = cpuMs();
      roundFetch += t1 - t0;
      roundFinish += t2 - t1;
      roundRecords += result.records.length;
      for (const rec of result.records) {
        recordHash.update(`${rec.naturalKey}\u0000${rec.hash}\u0000${JSON.stringify(rec.data)}\n`);
      }
      for (const value of values) {
        changesHash.update(
          `${JSON.stringify((JSON.parse(value) as { data: { changes: unknown } }).data.changes)}\n`,
        );
      }
    }
    breaker.shutdown();
    if (r === 0) continue; // warm-up
    fetchMs += roundFetch;
    finishMs += roundFinish;
    records = roundRecords;
    recordsDigest = recordHash.digest('hex').slice(0, 16);
    changesDigest = changesHash.digest('hex').slice(0, 16);
  }
  const perJob = (ms: number) => Math.round((ms / rounds / jobs.length) * 100) / 100;
  const how = `${jobs.length} jobs (${subjects} GSTINs × 5 categories, period ${BENCH_WORLD.period.gst}, ${records} records), ${rounds} rounds after a warm-up, answers replayed from memory`;
  return [
    {
      name: 'GST job fetch CPU (decode, records, hashes)',
      value: perJob(fetchMs),
      unit: 'ms/job',
      note: how,
    },
    {
      name: 'GST job finish CPU (compare, changes, envelopes)',
      value: perJob(finishMs),
      unit: 'ms/job',
      note: `records digest ${recordsDigest}, changes digest ${changesDigest}`,
    },
    {
      name: 'GST per-record CPU (fetch + finish)',
      value: Math.round(((fetchMs + finishMs) / rounds / records) * 1000) / 1000,
      unit: 'ms/record',
      note: '',
    },
  ];
}
