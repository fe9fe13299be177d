import type { SandboxBooks, SandboxBooksObject } from '@practice-sync/testing';
import { uniqueName, waitFor } from '@practice-sync/testing';

import { call } from './gateway-http';

/**
 * The branch-sync e2e specs' shared world: sandbox books companies registered through the public API, links
 * between them with their rules decided, runs over links to their end, and books compared object for object.
 */
export interface LinkRule {
  id: string;
  class?: string;
  status?: string;
}
export interface BranchLink {
  id: string;
  rules: LinkRule[];
}
export interface RuleSpec {
  class: 'masters' | 'transactions';
  direction: 'send' | 'receive' | 'both';
}
/** A link job as a run's summary lists it. */
export interface LinkJob {
  linkId: string;
  category: string;
  outcome: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  counts: Record<string, number>;
}

export const BOOKS_CATEGORIES = ['books.masters', 'books.transactions'];
/** The usual branch: it receives the HO's masters and sends its vouchers to the HO. */
export const BRANCH_RULES: RuleSpec[] = [
  { class: 'masters', direction: 'receive' },
  { class: 'transactions', direction: 'send' },
];

/** A sandbox books key unique to this test run, in the characters the books server takes. */
export const bookKey = (name: string): string =>
  uniqueName(name)
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 60);

export const isVoucher = (o: SandboxBooksObject): boolean => o.type.toUpperCase() === 'VOUCHER';

const LOCAL_IDS = ['masterId', 'voucherId', 'alterId'];
/** An object as compared across companies: without the ids local to each company (and `alsoLeaveOut`). */
export const content = (
  o: SandboxBooksObject | undefined,
  alsoLeaveOut: string[] = [],
): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(o ?? {}).filter(([k]) => !LOCAL_IDS.includes(k) && !alsoLeaveOut.includes(k)),
  );

export class BooksWorld {
  constructor(
    private readonly gatewayUrl: string,
    private readonly adminKey: string,
    readonly books: SandboxBooks,
  ) {}

  /** A books server of `vouchers` seeded vouchers, registered as a company of the firm; its id. */
  async company(
    key: string,
    name: string,
    role: 'head_office' | 'branch',
    vouchers: number,
  ): Promise<string> {
    const { booksUrl } = await this.books.company(key, name, vouchers);
    const res = await call<{ id: string }>(this.gatewayUrl, 'POST', '/v1/companies', {
      key: this.adminKey,
      body: { name, role, booksUrl },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  /**
   * A link the branch (its client side) proposes and the HO (server side) decides, rule by rule: every rule
   * activated unless `reject` names its class (refused with a reason).
   */
  async link<L extends BranchLink = BranchLink>(
    clientCompanyId: string,
    serverCompanyId: string,
    opts: { mode?: 'online' | 'on_demand'; rules?: RuleSpec[]; reject?: RuleSpec['class'][] } = {},
  ): Promise<L> {
    const res = await call<L>(this.gatewayUrl, 'POST', '/v1/branch-links', {
      key: this.adminKey,
      body: {
        clientCompanyId,
        serverCompanyId,
        mode: opts.mode ?? 'online',
        rules: opts.rules ?? BRANCH_RULES,
      },
    });
    expect(res.status).toBe(201);
    for (const rule of res.body.rules) {
      const reject = opts.reject?.some((c) => c === rule.class);
      const decided = await call(
        this.gatewayUrl,
        'POST',
        `/v1/branch-links/${res.body.id}/rules/${rule.id}/${reject ? 'reject' : 'activate'}`,
        {
          key: this.adminKey,
          body: reject ? { reason: `The HO does not take this branch’s ${rule.class}` } : undefined,
        },
      );
      expect(decided.status).toBe(200);
    }
    return res.body;
  }

  /** One run over `linkId`'s categories to its end (as `key`); that link's jobs by category. */
  async runLink(
    linkId: string,
    categories: string[] = BOOKS_CATEGORIES,
    key = this.adminKey,
  ): Promise<Map<string, LinkJob>> {
    const started = await call<{ id: string }>(this.gatewayUrl, 'POST', '/v1/sync-runs', {
      key,
      body: { links: { ids: [linkId] }, categories },
    });
    expect(started.status).toBe(202);
    const runId = started.body.id;
    await waitFor(
      async () =>
        (
          await call<{ finishedAt: string | null }>(this.gatewayUrl, 'GET', `/v1/sync-runs/${runId}`, {
            key: this.adminKey,
          })
        ).body.finishedAt,
      { timeoutMs: 180_000, intervalMs: 250, description: `branch sync run ${runId} to finish` },
    );
    const summary = await call<{ items: { linkId: string; jobs: LinkJob[] }[] }>(
      this.gatewayUrl,
      'GET',
      `/v1/sync-runs/${runId}/summary?limit=50`,
      { key: this.adminKey },
    );
    expect(summary.status).toBe(200);
    const own = summary.body.items.find((i) => i.linkId === linkId);
    return new Map((own?.jobs ?? []).map((j) => [j.category, j]));
  }
}
