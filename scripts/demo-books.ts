// The demo's second act (scripts/demo.ts calls it): branch sync between a head office and two branches through
// the public API, on the sandbox's Tally-like books servers. Masters go out from the HO, the branches'
// vouchers come in, then a rename at the HO and a delete at a branch travel; each run's per-link log is printed.
import type { SandboxBooksObject } from '@practice-sync/testing';
import { SandboxBooks } from '@practice-sync/testing';

export type Api = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

interface Company {
  id: string;
  name: string;
}
interface Rule {
  id: string;
  class: string;
  direction: string;
  status: string;
}
interface Link {
  id: string;
  clientCompanyId: string;
  serverCompanyId: string;
  rules: Rule[];
  state: string;
  lastSyncAt: string | null;
}
interface BooksCounts {
  created: number;
  altered: number;
  deleted: number;
  unchanged: number;
  errors: number;
}
interface LinkJob {
  category: string;
  outcome: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  counts: BooksCounts;
}
interface LinkSummary {
  linkId: string;
  jobs: LinkJob[];
}
interface Run {
  id: string;
  status: string;
  finishedAt: string | null;
  totals: Record<string, number>;
}

const CATEGORIES = ['books.masters', 'books.transactions'];

function expectStatus(what: string, res: { status: number; body: unknown }, status: number): void {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}

export async function branchSyncAct(api: Api, sandboxUrl: string): Promise<void> {
  const books = new SandboxBooks(sandboxUrl);
  // Fresh books servers each time the demo runs: the stack may already hold an earlier demo's companies.
  const tag = Date.now().toString(36);
  const names = new Map<string, string>();

  async function company(key: string, name: string, role: string, vouchers: number): Promise<Company> {
    const { booksUrl } = await books.company(`${key}-${tag}`, name, vouchers);
    const res = await api<Company>('POST', '/v1/companies', { name, role, booksUrl });
    expectStatus(`creating company ${name}`, res, 201);
    names.set(res.body.id, name);
    return res.body;
  }

  console.log('\nAct 2 — branch sync: a head office and two branches on Tally-like books servers\n');
  const ho = await company('demo-ho', 'Sharma Steel (Head Office)', 'head_office', 12);
  const branches = [
    await company('demo-pune', 'Sharma Steel Pune', 'branch', 0),
    await company('demo-nashik', 'Sharma Steel Nashik', 'branch', 0),
  ];
  const links: Link[] = [];
  for (const branch of branches) {
    // The branch (the link's client side) proposes: receive the HO's masters, send its vouchers.
    const res = await api<Link>('POST', '/v1/branch-links', {
      clientCompanyId: branch.id,
      serverCompanyId: ho.id,
      mode: 'online',
      rules: [
        { class: 'masters', direction: 'receive' },
        { class: 'transactions', direction: 'send' },
      ],
    });
    expectStatus(`linking ${branch.name}`, res, 201);
    // The HO (the server side) accepts both rules; until then they move nothing.
    for (const rule of res.body.rules) {
      const ok = await api('POST', `/v1/branch-links/${res.body.id}/rules/${rule.id}/activate`);
      expectStatus(`activating rule ${rule.id}`, ok, 200);
    }
    links.push(res.body);
    console.log(
      `  ${branch.name} ⇄ ${ho.name}: masters ← HO, vouchers → HO (rules proposed, then activated)`,
    );
  }
  const hoKey = `demo-ho-${tag}`;
  const branchKeys = [`demo-pune-${tag}`, `demo-nashik-${tag}`];

  async function run(title: string): Promise<void> {
    const started = await api<Run>('POST', '/v1/sync-runs', {
      links: { ids: links.map((l) => l.id) },
      categories: CATEGORIES,
    });
    expectStatus('starting the branch sync', started, 202);
    let r = started.body;
    const deadline = Date.now() + 3 * 60_000;
    while (!r.finishedAt) {
      if (Date.now() > deadline) throw new Error(`branch sync run ${r.id} did not finish in 3 minutes`);
      await new Promise((res) => setTimeout(res, 300));
      r = (await api<Run>('GET', `/v1/sync-runs/${r.id}`)).body;
    }
    const summary = await api<{ items: LinkSummary[] }>('GET', `/v1/sync-runs/${r.id}/summary?limit=50`);
    expectStatus('reading the run summary', summary, 200);
    console.log(`\n${title} — run ${r.id}: ${r.status}`);
    for (const item of summary.body.items) {
      const link = links.find((l) => l.id === item.linkId);
      const label = link
        ? `${names.get(link.clientCompanyId)} ⇄ ${names.get(link.serverCompanyId)}`
        : item.linkId;
      console.log(`  ${label}`);
      for (const job of item.jobs) {
        const c = job.counts;
        const moved = `created ${c.created} · altered ${c.altered} · deleted ${c.deleted} · unchanged ${c.unchanged} · errors ${c.errors}`;
        const why = job.errorMessage ? `  ${job.errorCode ?? ''} ${job.errorMessage}`.trimEnd() : '';
        console.log(`    ${job.category.padEnd(20)} ${String(job.outcome).padEnd(10)} ${moved}${why}`);
      }
    }
  }

  const count = (objects: SandboxBooksObject[], vouchers: boolean) =>
    objects.filter((o) => (o.type.toUpperCase() === 'VOUCHER') === vouchers && !o.reserved).length;

  await run('1. First sync: the HO’s masters go out to both branches');
  for (const key of branchKeys) {
    // Staff at each branch enter three vouchers (the sandbox makes realistic ones on the masters received).
    for (let i = 0; i < 3; i++) await books.change(key, { action: 'create', type: 'voucher' });
  }
  console.log('\n  (staff at each branch enter 3 vouchers)');
  await run('2. The branches’ vouchers are consolidated at the HO');

  const ledger = (await books.objects(hoKey, 'ledger')).find((o) => !o.reserved && o.name === 'Cash');
  if (!ledger) throw new Error('the HO books have no Cash ledger to rename');
  await books.change(hoKey, {
    action: 'rename',
    type: 'ledger',
    guid: ledger.guid,
    body: { name: 'Cash in Hand' },
  });
  const gone = (await books.objects(branchKeys[0], 'voucher'))[0];
  await books.change(branchKeys[0], { action: 'delete', type: 'voucher', guid: gone.guid });
  console.log('\n  (the HO renames its ledger "Cash" to "Cash in Hand"; Pune deletes one voucher)');
  await run(
    '3. The rename and the delete travel: one object altered at each branch, one voucher gone at the HO',
  );

  const hoAll = await books.objects(hoKey);
  console.log(
    `\n  Books now: HO ${count(hoAll, false)} masters, ${count(hoAll, true)} vouchers (12 of its own + 5 from the branches);`,
  );
  for (const [i, key] of branchKeys.entries()) {
    const all = await books.objects(key);
    const renamed = all.some((o) => o.guid === ledger.guid && o.name === 'Cash in Hand');
    console.log(
      `             ${branches[i].name}: ${count(all, false)} masters (Cash renamed: ${renamed ? 'yes, same GUID' : 'NO'}), ${count(all, true)} vouchers`,
    );
  }
  const states = await api<{ items: Link[] }>('GET', '/v1/branch-links?limit=100');
  for (const l of states.body.items.filter((x) => links.some((y) => y.id === x.id))) {
    console.log(
      `  Link ${names.get(l.clientCompanyId)}: state ${l.state}, last sync ${l.lastSyncAt ?? 'never'}`,
    );
  }
}
