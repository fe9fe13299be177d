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
});
