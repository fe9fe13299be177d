import type { SelectedLink } from '../fan-out/link-job-planner';
import { restartCategories } from './restart-decision';

const LINK = '0193a8f4-1111-7abc-8def-0123456789ab';
const RUN = '0193a8f4-2222-7abc-8def-0123456789ab';

function link(state: SelectedLink['state'], classes: ('masters' | 'transactions')[]): SelectedLink {
  return {
    id: LINK,
    state,
    clientCompany: { id: 'c', booksUrl: 'http://branch:9000' },
    serverCompany: { id: 's', booksUrl: 'http://ho:9000' },
    rules: classes.map((c, i) => ({ id: `r${i}`, class: c, types: [], direction: 'send', fromDate: null })),
    inactiveRules: [],
  };
}

describe('restartCategories (POST /v1/branch-links/{id}/restart)', () => {
  it('restarts a failed or offline link over the classes its active rules move', () => {
    expect(restartCategories(link('failed', ['transactions', 'masters']), null)).toEqual([
      'books.masters',
      'books.transactions',
    ]);
    expect(restartCategories(link('offline', ['transactions']), null)).toEqual(['books.transactions']);
  });

  it('restarts a link stuck in syncing when no run over it is going (a stalled sync)', () => {
    expect(restartCategories(link('syncing', ['masters']), null)).toEqual(['books.masters']);
  });

  it('refuses while a run over the link is queued or running, naming it', () => {
    expect(() => restartCategories(link('failed', ['masters']), { id: RUN, status: 'running' })).toThrow(
      expect.objectContaining({
        code: 'link-syncing',
        status: 409,
        extras: { runId: RUN },
        detail: expect.stringContaining(`POST /v1/sync-runs/${RUN}/cancel`),
      }),
    );
  });

  it('refuses an online link, saying how to sync it now', () => {
    expect(() => restartCategories(link('online', ['masters']), null)).toThrow(
      expect.objectContaining({
        code: 'link-not-failed',
        status: 409,
        detail: expect.stringContaining(`"links": { "ids": ["${LINK}"] }`),
      }),
    );
  });

  it('refuses a link without an active rule: a run would move nothing', () => {
    expect(() => restartCategories(link('failed', []), null)).toThrow(
      expect.objectContaining({ code: 'no-active-rule', status: 422 }),
    );
  });
});
