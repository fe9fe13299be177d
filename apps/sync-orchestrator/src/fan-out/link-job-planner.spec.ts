import type { SelectedLink } from './link-job-planner';
import { planLinkJobs } from './link-job-planner';

const ids = () => {
  let n = 0;
  return () => `job-${++n}`;
};

const RULE = {
  masters: '01936f6e-0000-7000-8000-00000000d001',
  transactions: '01936f6e-0000-7000-8000-00000000d002',
};

function link(over: Partial<SelectedLink> = {}): SelectedLink {
  return {
    id: '01936f6e-0000-7000-8000-0000000000bb',
    clientCompany: { id: 'c-branch', booksUrl: 'http://books/pune' },
    serverCompany: { id: 'c-ho', booksUrl: 'http://books/ho' },
    rules: [
      { id: RULE.masters, class: 'masters', types: [], direction: 'receive', fromDate: null },
      { id: RULE.transactions, class: 'transactions', types: ['Sales'], direction: 'send', fromDate: null },
    ],
    inactiveRules: [],
    ...over,
  };
}

describe('planLinkJobs', () => {
  it('plans one job per link and books category, carrying both books servers and only that class’s rules', () => {
    const jobs = planLinkJobs([link()], ['books.masters', 'books.transactions'], ids());
    expect(jobs).toEqual([
      {
        id: 'job-1',
        clientId: null,
        clientName: null,
        linkId: link().id,
        books: {
          client: { companyId: 'c-branch', booksUrl: 'http://books/pune' },
          server: { companyId: 'c-ho', booksUrl: 'http://books/ho' },
          rules: [link().rules[0]],
          mode: 'online',
        },
        category: 'books.masters',
        portal: 'books',
        subject: { kind: 'link', value: link().id },
        period: null,
        skipReason: null,
      },
      expect.objectContaining({
        id: 'job-2',
        category: 'books.transactions',
        books: expect.objectContaining({ rules: [link().rules[1]] }),
        skipReason: null,
      }),
    ]);
  });

  it('carries an on-demand link’s mode to the job, so connector-books holds its changes when the receiver is down', () => {
    const [job] = planLinkJobs([link({ mode: 'on_demand' })], ['books.transactions'], ids());
    expect(job.books?.mode).toBe('on_demand');
  });

  it('skips a class whose rule was rejected, quoting the reason, and still plans the other class', () => {
    const rejected = link({
      rules: [link().rules[0]],
      inactiveRules: [
        {
          id: RULE.transactions,
          class: 'transactions',
          status: 'rejected',
          reason: 'HO enters its own sales',
        },
      ],
    });
    const [masters, transactions] = planLinkJobs([rejected], ['books.masters', 'books.transactions'], ids());
    expect(masters.skipReason).toBeNull();
    expect(transactions.skipReason).toBe(
      `rule ${RULE.transactions} rejected: HO enters its own sales; no active rule for transactions, so nothing moved`,
    );
  });

  it('says a proposed rule is not yet activated, and that a class without any rule has no active rule', () => {
    const proposed = link({
      rules: [],
      inactiveRules: [{ id: RULE.masters, class: 'masters', status: 'proposed', reason: null }],
    });
    const [masters, transactions] = planLinkJobs([proposed], ['books.masters', 'books.transactions'], ids());
    expect(masters.skipReason).toContain(`rule ${RULE.masters} is proposed and not yet activated`);
    expect(transactions.skipReason).toMatch(/^no active rule for transactions/);
  });

  it('plans nothing for no links', () => {
    expect(planLinkJobs([], ['books.masters'], ids())).toEqual([]);
  });

  it('plans one books.snapshot job carrying the rules that receive (both classes) and the replace option', () => {
    const [job] = planLinkJobs([link()], ['books.snapshot'], ids(), { replace: true });
    expect(job.category).toBe('books.snapshot');
    expect(job.skipReason).toBeNull();
    expect(job.books?.rules.map((r) => r.id)).toEqual([RULE.masters]);
    expect(job.books?.snapshot).toEqual({ replace: true });
    // Without options (a snapshot asked through POST /v1/sync-runs) it never imports over non-empty books.
    expect(planLinkJobs([link()], ['books.snapshot'], ids())[0].books?.snapshot).toEqual({ replace: false });
    // Incremental jobs carry no snapshot option.
    expect(
      planLinkJobs([link()], ['books.masters'], ids(), { replace: true })[0].books?.snapshot,
    ).toBeUndefined();
  });

  it('skips a snapshot saying why when no active rule moves books from the server to the client', () => {
    const sendOnly = link({
      rules: [{ id: RULE.transactions, class: 'transactions', types: [], direction: 'send', fromDate: null }],
      inactiveRules: [{ id: RULE.masters, class: 'masters', status: 'rejected', reason: 'no' }],
    });
    const [job] = planLinkJobs([sendOnly], ['books.snapshot'], ids());
    expect(job.skipReason).toMatch(
      /no active rule of link .* moves books from its server company to its client company/,
    );
    expect(job.skipReason).toContain(`rule ${RULE.masters} is rejected`);
  });
});
