// `npm run demo`: after `stack:up`, creates demo clients, runs one multi-client sync with live progress and
// prints the per-client summary; then branch sync between a head office and two branches (scripts/demo-books.ts);
// then where to look next.
import 'reflect-metadata';

import { gstinCheckCharacter, OUTCOME_LABELS } from '@practice-sync/contracts';
import { grantPortalAccess } from '@practice-sync/testing';
import { MultiBar, Presets } from 'cli-progress';
import { readFileSync } from 'fs';
import { join } from 'path';

import { branchSyncAct } from './demo-books';

interface Client {
  id: string;
  name: string;
  pan: string | null;
  gstins: string[];
  esignClientFileId: string | null;
}
interface Totals {
  jobs: number;
  pending: number;
  running: number;
  succeeded: number;
  noChange: number;
  failed: number;
  skipped: number;
  cancelled: number;
  noData: number;
  partial: number;
  work: number;
  workFinished: number;
}
interface Run {
  id: string;
  status: string;
  period: Record<string, string>;
  totals: Totals;
}
interface Access {
  portal: string;
  identifier: string;
  status: string;
}
interface Job {
  clientId: string;
  category: string;
  outcome: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  counts: { added: number; updated: number; removed: number; unchanged: number };
  parts: { name: string; status: string; records: number; errorMessage: string | null }[] | null;
  taxpayers: {
    counts: { succeeded: number; unsuccessful: number; noChange: number };
    items: { name: string; outcome: string; reason: string | null }[];
  } | null;
}

const DEMO_CLIENTS: {
  name: string;
  pan: string;
  office: string;
  tags: string[];
  esign?: string;
  gst?: boolean;
}[] = [
  {
    name: 'Reliance Textiles Pvt Ltd',
    pan: 'AAACR5055K',
    office: 'Mumbai',
    tags: ['gst-monthly'],
    esign: 'CF-1001',
    gst: true,
  },
  { name: 'Kapoor & Sons (HUF)', pan: 'BBBHK1234L', office: 'Delhi', tags: ['itr'], esign: 'CF-1002' },
  { name: 'Meera Iyer', pan: 'CCCPM9876Q', office: 'Chennai', tags: ['itr'] },
  {
    name: 'Sharma Traders',
    pan: 'DDDFS4321R',
    office: 'Delhi',
    tags: ['gst-monthly'],
    gst: true,
    esign: 'CF-1004',
  },
  { name: 'Gupta Logistics LLP', pan: 'EEEFG5678M', office: 'Pune', tags: ['gst-quarterly'], gst: true },
  {
    name: 'Nair Exports Ltd',
    pan: 'FFFCN2468P',
    office: 'Kochi',
    tags: ['gst-monthly'],
    gst: true,
    esign: 'CF-1006',
  },
  { name: 'Desai Family Trust', pan: 'GGGTD1357K', office: 'Ahmedabad', tags: ['itr'], esign: 'CF-1007' },
  { name: 'Bose Software Services', pan: 'HHHCB8642J', office: 'Kolkata', tags: ['gst-monthly'], gst: true },
];
const CATEGORIES = ['gst.gstr2b', 'itr.filing_status', 'esign.signature_timestamps'];

function env(): Record<string, string> {
  const file = join(__dirname, '..', '.stack', 'env');
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  return out;
}

function gstin(pan: string, state: string): string {
  const first14 = `${state}${pan}1Z`;
  return first14 + gstinCheckCharacter(first14);
}

async function main(): Promise<void> {
  const e = env();
  const api = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${e.GATEWAY_URL}${path}`, {
      method,
      headers: { authorization: `Bearer ${e.ADMIN_API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  console.log(`\npractice-sync demo — gateway ${e.GATEWAY_URL}\n`);
  const existing = await api<{ items: Client[] }>('GET', '/v1/clients?tag=demo&limit=100');
  const clients: Client[] = [...existing.body.items];
  for (const [i, c] of DEMO_CLIENTS.entries()) {
    if (clients.some((x) => x.pan === c.pan)) continue;
    const res = await api<Client>('POST', '/v1/clients', {
      name: c.name,
      pan: c.pan,
      gstins: c.gst ? [gstin(c.pan, ['27', '07', '33', '29'][i % 4])] : [],
      esignClientFileId: c.esign,
      office: c.office,
      tags: [...c.tags, 'demo'],
    });
    if (res.status !== 201) throw new Error(`creating ${c.name}: ${res.status} ${JSON.stringify(res.body)}`);
    clients.push(res.body);
  }
  console.log(`${clients.length} demo clients (tag "demo")\n`);

  // Portal access, granted through the public API as a firm's staff would: what is already in place is kept
  // (re-entering a GST OTP opens a new portal session; the portal locks a GSTIN that opens too many).
  const access = async () => (await api<{ items: Access[] }>('GET', '/v1/credentials?limit=200')).body.items;
  const ok = new Set(
    (await access()).filter((a) => a.status === 'ok').map((a) => `${a.portal}:${a.identifier}`),
  );
  const granted = await grantPortalAccess(e.GATEWAY_URL, e.ADMIN_API_KEY, {
    gstins: clients.flatMap((c) => c.gstins).filter((g) => !ok.has(`gst:${g}`)),
    pans: clients.flatMap((c) => (c.pan && !ok.has(`itr:${c.pan}`) ? [c.pan] : [])),
    esign: ![...ok].some((k) => k.startsWith('esign:')),
  });
  const byPortal = new Map<string, number>();
  for (const a of await access()) {
    if (a.status === 'ok') byPortal.set(a.portal, (byPortal.get(a.portal) ?? 0) + 1);
  }
  console.log('Portal access (PUT/POST /v1/credentials…, OTPs from the sandbox):');
  console.log(`  GST        username + OTP per GSTIN: ${granted.gstSessions} new session(s)`);
  console.log(
    `  Income Tax the firm's e-filing intermediary account, then each taxpayer's OTP consent: ${granted.itrConsents} new`,
  );
  console.log(
    `  e-sign     the firm's portal API key${granted.esignAccount ? ' stored' : ' (already stored)'}`,
  );
  console.log(
    `  health     ${[...byPortal].map(([p, n]) => `${p} ${n} ok`).join(' · ')} (GET /v1/credentials)\n`,
  );

  // No period given: each portal's default is the latest period that has data.
  const started = await api<Run>('POST', '/v1/sync-runs', {
    clients: { tags: ['demo'] },
    categories: CATEGORIES,
  });
  if (started.status !== 202)
    throw new Error(`starting the run: ${started.status} ${JSON.stringify(started.body)}`);
  const runId = started.body.id;
  const periods = Object.entries(started.body.period)
    .map(([portal, period]) => `${portal} ${period}`)
    .join(', ');
  console.log(`Syncing ${CATEGORIES.join(', ')} (period: ${periods || 'none needed'})\n`);

  const bars = new MultiBar(
    {
      format:
        ' {bar} {value}/{total} jobs | {status} | ok {ok} · no change {nc} · nothing on the portal {nd}' +
        ' · partial {partial} · failed {failed} | not applicable (skipped) {skipped}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  const bar = bars.create(1, 0, {
    status: 'queued',
    ok: 0,
    nc: 0,
    nd: 0,
    partial: 0,
    failed: 0,
    skipped: 0,
  });
  let run = started.body;
  const deadline = Date.now() + 5 * 60_000;
  while (run.status === 'queued' || run.status === 'running') {
    if (Date.now() > deadline) throw new Error('the run did not finish within 5 minutes; see .stack/logs/');
    await new Promise((r) => setTimeout(r, 300));
    run = (await api<Run>('GET', `/v1/sync-runs/${runId}`)).body;
    const t = run.totals;
    // Skipped jobs (a category the client cannot have) are not the run's work: the bar counts the work only.
    bar.setTotal(Math.max(1, t.work));
    bar.update(t.workFinished, {
      status: run.status,
      ok: t.succeeded,
      nc: t.noChange,
      nd: t.noData,
      partial: t.partial,
      failed: t.failed,
      skipped: t.skipped,
    });
  }
  bars.stop();

  const jobs: Job[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { items: Job[]; nextCursor: string | null } } = await api(
      'GET',
      `/v1/sync-runs/${runId}/jobs?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    jobs.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);

  console.log(`\nRun ${runId}: ${run.status}\n`);
  for (const client of clients) {
    console.log(`${client.name}`);
    for (const job of jobs.filter((j) => j.clientId === client.id)) {
      const c = job.counts;
      const detail =
        job.outcome === 'succeeded'
          ? `+${c.added} ~${c.updated} -${c.removed} (=${c.unchanged})`
          : job.outcome === 'no_data'
            ? OUTCOME_LABELS.no_data
            : job.outcome === 'partial'
              ? (job.parts ?? [])
                  .map((p) =>
                    p.status === 'fetched'
                      ? `${p.name}: ${p.records} kept`
                      : `${p.name}: ${p.errorMessage ?? 'failed'}`,
                  )
                  .join(' · ')
              : job.outcome === 'failed' || job.outcome === 'skipped'
                ? `${job.errorCode ?? ''} ${job.errorMessage ?? ''}`.trim()
                : '';
      console.log(`  ${job.category.padEnd(28)} ${String(job.outcome).padEnd(10)} ${detail}`);
      // e-sign: each taxpayer of the client file, as a practice's e-sign log shows them.
      for (const t of job.taxpayers?.items ?? []) {
        const label =
          t.outcome === 'unsuccessful' ? 'not synced' : t.outcome === 'no_change' ? 'no change' : 'synced';
        console.log(`    ${t.name.padEnd(26)} ${label.padEnd(10)} ${t.reason ?? ''}`.trimEnd());
      }
    }
  }
  await branchSyncAct(api, e.PORTAL_SANDBOX_URL);

  console.log(`
Where to look next:
  Console         ${e.CONSOLE_URL ?? `${e.GATEWAY_URL}/`}   sign in as ${e.CONSOLE_DEMO_EMAIL ?? '(see .stack/env)'}, password ${e.CONSOLE_DEMO_PASSWORD ?? '(see .stack/env)'}
  Swagger UI      ${e.GATEWAY_URL}/docs   (API key in .stack/env: ADMIN_API_KEY)
  This run        curl -H "Authorization: Bearer $ADMIN_API_KEY" ${e.GATEWAY_URL}/v1/sync-runs/${runId}/jobs
  Metrics         ${e.SYNC_ORCHESTRATOR_URL}/metrics  ${e.CONNECTOR_GST_URL}/metrics  …
  Logs            .stack/logs/
  Stop the stack  npm run stack:down
`);
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
