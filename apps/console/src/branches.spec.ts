import { conflictRows, conflictTitle, linkCategories, mayRestart, STUCK_AFTER_MS } from './branches';
import { howToFixLink, linkProblems, restartRefusal, withoutConnectorAdvice } from './fixes';

const TYPE = 'https://practice-sync.dev/problems/';

describe('linkCategories', () => {
  it('runs the classes of the active rules only', () => {
    const rule = (cls: string, status: string) => ({
      id: cls,
      class: cls,
      types: [],
      direction: 'both',
      fromDate: null,
      status,
      reason: null,
    });
    expect(linkCategories({ rules: [rule('transactions', 'active'), rule('masters', 'active')] })).toEqual([
      'books.masters',
      'books.transactions',
    ]);
    expect(linkCategories({ rules: [rule('masters', 'proposed'), rule('transactions', 'active')] })).toEqual([
      'books.transactions',
    ]);
    expect(linkCategories({ rules: [rule('masters', 'rejected')] })).toEqual([]);
  });
});

describe('mayRestart', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();

  it('offers Restart for failed and offline links, never for online ones', () => {
    expect(mayRestart({ state: 'failed', updatedAt: at(0) }, now)).toBe(true);
    expect(mayRestart({ state: 'offline', updatedAt: at(0) }, now)).toBe(true);
    expect(mayRestart({ state: 'online', updatedAt: at(600) }, now)).toBe(false);
  });

  it('offers it for a syncing link only once it may be stuck, not as its sync starts', () => {
    expect(mayRestart({ state: 'syncing', updatedAt: at(1) }, now)).toBe(false);
    expect(mayRestart({ state: 'syncing', updatedAt: at(STUCK_AFTER_MS / 60_000) }, now)).toBe(true);
    expect(mayRestart({ state: 'syncing', updatedAt: 'never' }, now)).toBe(false);
  });
});

describe('linkProblems', () => {
  it('splits a link error by class, without the code, with what to do', () => {
    const error =
      'transactions: a books server did not answer (portal_unavailable): books server for company X did not answer; ' +
      'masters: 2 objects refused by the receiving books (invalid_field: 2); they are tried again next sync';
    expect(linkProblems(error)).toEqual([
      {
        kind: 'Transactions',
        text: 'A books server did not answer.',
        detail: 'Books server for company X did not answer.',
        code: 'portal_unavailable',
        fix: expect.stringContaining('Tally is running'),
        conflictsOnly: false,
      },
      {
        kind: 'Masters',
        text: '2 objects refused by the receiving books (invalid_field: 2); they are tried again next sync.',
        detail: null,
        code: null,
        fix: null,
        conflictsOnly: false,
      },
    ]);
  });

  it("shows the kit's books-server failure as its detail, taking the code and not the words in brackets", () => {
    const message =
      'The books server at 10.1.2.3:9000 did not answer export of masters (connection refused). ' +
      'Check that Tally is running there and reachable from practice-sync, then retry.';
    expect(linkProblems(`masters: a books server did not answer (portal_unavailable): ${message}`)).toEqual([
      {
        kind: 'Masters',
        text: 'A books server did not answer.',
        // The kit's advice is left to the fix below it (the console's, ending "then press Restart").
        detail: 'The books server at 10.1.2.3:9000 did not answer export of masters (connection refused).',
        code: 'portal_unavailable',
        fix: expect.stringContaining('Tally is running'),
        conflictsOnly: false,
      },
    ]);
  });

  it('takes the code, not words in brackets, and says a snapshot is needed after a hold expired', () => {
    const [p] = linkProblems(
      'transactions: held changes expired before the receiving books took them; a new sync (snapshot) is needed (hold_expired): 1 held change(s) expired after 7 days',
    );
    expect(p.code).toBe('hold_expired');
    expect(p.text).toBe(
      'Held changes expired before the receiving books took them; a new sync (snapshot) is needed.',
    );
    expect(p.detail).toBe('1 held change(s) expired after 7 days.');
    expect(p.fix).toContain('Take a new snapshot of the link');
    expect(linkProblems(null)).toEqual([]);
  });

  it("drops the connector's advice where the console shows its own fix, so it is not said twice", () => {
    const [p] = linkProblems(
      'transactions: a books server did not answer (portal_unavailable): The books server at tally.branch.lan:9000 ' +
        'refused the connection during reading the company. Check that Tally is running there and reachable ' +
        'from practice-sync, then retry.',
    );
    expect(p.detail).toBe(
      'The books server at tally.branch.lan:9000 refused the connection during reading the company.',
    );
    expect(p.fix).toContain('then press Restart');
    expect(
      withoutConnectorAdvice(
        'The GST portal timed out. The job is tried again a few times; if it still fails, retry the failed jobs later.',
      ),
    ).toBe('The GST portal timed out.');
    // Only a whole trailing sentence is advice: "check" inside a sentence stays.
    expect(withoutConnectorAdvice('The portal said: Check your input')).toBe(
      'The portal said: Check your input',
    );
  });

  it('marks a message that only says objects wait in the conflict queue', () => {
    const [only, mixed] = linkProblems(
      'masters: 2 objects altered at both ends wait in the conflict queue until resolved; ' +
        'transactions: 1 object refused by the receiving books (x_y: 1); they are tried again next sync; ' +
        '1 object altered at both ends waits in the conflict queue until resolved',
    );
    expect(only.conflictsOnly).toBe(true);
    expect(mixed.conflictsOnly).toBe(false);
  });

  it('has a books-server fix for each failure code', () => {
    expect(howToFixLink('timeout')).toContain('Restart');
    expect(howToFixLink('invalid_response')).toContain("Tally's XML port");
    expect(howToFixLink(null)).toBeNull();
  });
});

describe('restartRefusal', () => {
  it('says each refusal in words, never the API call', () => {
    expect(restartRefusal({ type: `${TYPE}link-syncing` }, 409)).toContain('still going');
    expect(restartRefusal({ type: `${TYPE}link-not-failed` }, 409)).toContain('Use Sync now');
    expect(restartRefusal({ type: `${TYPE}no-active-rule` }, 422)).toContain('activate');
    expect(
      restartRefusal(
        { type: `${TYPE}other`, detail: 'it broke: POST /v1/branch-links/x/restart later' },
        409,
      ),
    ).toBe('It broke.');
    expect(restartRefusal(null, 503)).toBe('The server refused the restart (503).');
  });
});

describe('conflicts', () => {
  const version = (fields: Record<string, unknown> | null, deleted = false) => ({
    companyId: 'c',
    alterId: 1,
    deleted,
    fields,
  });

  it('lines both versions up field by field, the differences first', () => {
    expect(
      conflictRows(
        version({ NAME: 'Pune Renamed', PARENT: 'Sundry Debtors', OPENINGBALANCE: '-5000.00' }),
        version({ NAME: 'Sai Steel', PARENT: 'Sundry Debtors', OPENINGBALANCE: '-1500.00', GSTIN: 'X' }),
      ),
    ).toEqual([
      { field: 'NAME', client: 'Pune Renamed', server: 'Sai Steel', differs: true },
      { field: 'OPENINGBALANCE', client: '-5000.00', server: '-1500.00', differs: true },
      { field: 'GSTIN', client: '—', server: 'X', differs: true },
      { field: 'PARENT', client: 'Sundry Debtors', server: 'Sundry Debtors', differs: false },
    ]);
  });

  it('says which end deleted the object', () => {
    expect(conflictRows(version(null, true), version({ NAME: 'A' }))).toEqual([
      { field: 'NAME', client: '(deleted here)', server: 'A', differs: true },
    ]);
  });

  it('names the object by its NAME, else its type and GUID end', () => {
    const c = {
      type: 'LEDGER',
      guid: 'abc-00000a1',
      client: version({ NAME: 'B' }),
      server: version({ NAME: 'A' }),
    };
    expect(conflictTitle(c)).toBe('Ledger “A”');
    expect(conflictTitle({ ...c, type: 'VOUCHER', client: version({}), server: version({}) })).toBe(
      'Voucher -00000a1',
    );
  });
});
