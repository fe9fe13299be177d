import { randomBytes } from 'crypto';
import type { DataSource, EntityManager } from 'typeorm';

import { createServiceDataSource } from './data-source';
import { isDatabaseUnavailable } from './database-unavailable';
import type { GroupCommitOptions, GroupOutcome } from './group-commit';
import { GroupCommit } from './group-commit';
import { statementCounts } from './statement-counts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Inserts `id` and returns the id of the transaction it ran in. */
async function insert(manager: EntityManager, id: number): Promise<string> {
  await manager.query('INSERT INTO items (id) VALUES ($1)', [id]);
  const [row] = (await manager.query('SELECT txid_current()::text AS txid')) as { txid: string }[];
  return row?.txid ?? '';
}

async function settle<T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(promises);
}

describe('GroupCommit (real PostgreSQL)', () => {
  let schema: string;
  let ds: DataSource;
  let groups: GroupOutcome[];
  const countsBefore = process.env['DB_STATEMENT_COUNTS'];

  function groupCommit(options: GroupCommitOptions = {}): GroupCommit {
    // No duration cap unless a test sets one: the groups' shapes must not depend on the machine's speed.
    return new GroupCommit(ds, { maxTransactionMs: 60_000, onGroup: (g) => groups.push(g), ...options });
  }

  async function ids(): Promise<number[]> {
    const rows = (await ds.query('SELECT id FROM items ORDER BY id')) as { id: number }[];
    return rows.map((r) => r.id);
  }

  beforeAll(() => {
    // The data source's connections count what they send (statement-counts.ts), as the benches' do.
    process.env['DB_STATEMENT_COUNTS'] = 'true';
  });

  afterAll(() => {
    if (countsBefore === undefined) delete process.env['DB_STATEMENT_COUNTS'];
    else process.env['DB_STATEMENT_COUNTS'] = countsBefore;
  });

  beforeEach(async () => {
    schema = `group_${randomBytes(4).toString('hex')}`;
    groups = [];
    ds = createServiceDataSource({ url, schema, entities: [], migrations: [], poolSize: 4 });
    await ds.initialize();
    await ds.query(`CREATE SCHEMA "${schema}"`);
    await ds.query('CREATE TABLE items (id int PRIMARY KEY)');
  });

  afterEach(async () => {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  it('commits works submitted together in one transaction, counted as one, with no statement between them', async () => {
    const group = groupCommit();
    const before = { ...statementCounts };
    const txids = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((id) => group.submit((m) => insert(m, id))));
    expect(statementCounts.transactions - before.transactions).toBe(1);
    // BEGIN, the works' 16 statements (an INSERT and a SELECT each), COMMIT: no savepoints.
    expect(statementCounts.statements - before.statements).toBe(18);
    expect(new Set(txids).size).toBe(1);
    expect(groups).toEqual([{ works: 8, failed: 0, committed: true }]);
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('puts works that arrive while a transaction runs into the next one, together', async () => {
    const group = groupCommit();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const first = group.submit(async (m) => {
      await gate;
      return insert(m, 1);
    });
    await new Promise((r) => setTimeout(r, 50)); // the first transaction is running, held by its work
    const later = [2, 3, 4].map((id) => group.submit((m) => insert(m, id)));
    expect(group.waiting).toBe(3);
    release();
    const txids = await Promise.all([first, ...later]);
    expect(new Set(txids.slice(1)).size).toBe(1);
    expect(txids[1]).not.toBe(txids[0]);
    expect(groups.map((g) => g.works)).toEqual([1, 3]);
  });

  it('fails only the work that threw: the works before it run again in the next transaction and commit', async () => {
    const group = groupCommit();
    const runs = new Map<number, number>();
    const counted = async (m: EntityManager, id: number) => {
      runs.set(id, (runs.get(id) ?? 0) + 1);
      return insert(m, id);
    };
    const before = statementCounts.transactions;
    const results = await settle([
      group.submit((m) => counted(m, 1)),
      group.submit(async (m) => {
        await counted(m, 2);
        throw new Error('work 2 failed');
      }),
      // A statement error aborts the PostgreSQL transaction: the works before it go again, without it.
      group.submit(async (m) => {
        await counted(m, 3);
        return insert(m, 1); // duplicate key
      }),
      group.submit((m) => counted(m, 4)),
    ]);
    const transactions = statementCounts.transactions - before;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('work 2 failed'));
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    expect(await ids()).toEqual([1, 4]);
    // [1, 2✗] rolled back; [1, 3✗] rolled back; [1, 4] committed. A failing work ran once; work 1 three times.
    expect(groups).toEqual([
      { works: 2, failed: 1, committed: false, redone: 1 },
      { works: 2, failed: 1, committed: false, redone: 1 },
      { works: 2, failed: 0, committed: true },
    ]);
    expect(Object.fromEntries(runs)).toEqual({ 1: 3, 2: 1, 3: 1, 4: 1 });
    // The committed work's result is that of the run that committed.
    const txids = results
      .filter((r) => r.status === 'fulfilled')
      .map((r) => (r as PromiseFulfilledResult<string>).value);
    expect(new Set(txids).size).toBe(1);
    expect(transactions).toBe(3);
  });

  it('fails a work that caught a failed statement and went on, and commits the others', async () => {
    const group = groupCommit();
    const results = await settle([
      group.submit((m) => insert(m, 1)),
      group.submit(async (m) => {
        await insert(m, 2);
        await m.query('INSERT INTO items (id) VALUES (1)').catch(() => undefined); // swallowed
        return 'done';
      }),
      group.submit((m) => insert(m, 3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(
      /a statement failed inside the transaction and its error was caught/,
    );
    expect(await ids()).toEqual([1, 3]);
    expect(groups).toEqual([
      { works: 2, failed: 1, committed: false, redone: 1 },
      { works: 2, failed: 0, committed: true },
    ]);
  });

  it('fails the first work alone without running anything again', async () => {
    const group = groupCommit();
    let runs = 0;
    const results = await settle([
      group.submit(async (m) => {
        runs++;
        await insert(m, 1);
        throw new Error('work 1 failed');
      }),
      group.submit((m) => insert(m, 2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(runs).toBe(1);
    expect(groups).toEqual([
      { works: 1, failed: 1, committed: false },
      { works: 1, failed: 0, committed: true },
    ]);
    expect(await ids()).toEqual([2]);
  });

  describe('a group of one work', () => {
    it('runs it as its own: BEGIN, its statements, COMMIT', async () => {
      const group = groupCommit();
      const before = { ...statementCounts };
      await group.submit((m) => insert(m, 1)); // an INSERT and a SELECT
      expect(statementCounts.statements - before.statements).toBe(4);
      expect(statementCounts.transactions - before.transactions).toBe(1);
      expect(groups).toEqual([{ works: 1, failed: 0, committed: true }]);
      expect(await ids()).toEqual([1]);
    });

    it('rolls the transaction back when it throws; its caller gets its error, and the next work commits', async () => {
      const group = groupCommit();
      const failed = group.submit(async (m) => {
        await insert(m, 1);
        throw new Error('the only work failed');
      });
      await expect(failed).rejects.toEqual(new Error('the only work failed'));
      expect(groups).toEqual([{ works: 1, failed: 1, committed: false }]);
      expect(await ids()).toEqual([]);
      await group.submit((m) => insert(m, 2));
      expect(await ids()).toEqual([2]);
    });

    it('refuses it, committing nothing, when it caught a failed statement and went on', async () => {
      const group = groupCommit();
      const swallowed = group.submit(async (m) => {
        await insert(m, 1);
        await m.query('INSERT INTO items (id) VALUES (1)').catch(() => undefined);
        return 'done';
      });
      await expect(swallowed).rejects.toThrow(
        /a statement failed inside the transaction and its error was caught/,
      );
      expect(groups).toEqual([{ works: 1, failed: 1, committed: false }]);
      expect(await ids()).toEqual([]);
      // The connection went back to the pool usable: the next work on it commits.
      await group.submit((m) => insert(m, 2));
      expect(await ids()).toEqual([2]);
    });

    it('rejects its caller with the error when the COMMIT fails', async () => {
      await ds.query('CREATE TABLE deferred (id int UNIQUE DEFERRABLE INITIALLY DEFERRED)');
      const group = groupCommit();
      const result = group.submit(async (m) => {
        await insert(m, 1);
        await m.query('INSERT INTO deferred VALUES (1), (1)'); // fails only at COMMIT
      });
      await expect(result).rejects.toThrow(/duplicate key/);
      expect(groups).toEqual([{ works: 1, failed: 0, committed: false }]);
      expect(await ids()).toEqual([]);
    });
  });

  it('rejects every caller of the group with the error when the COMMIT fails', async () => {
    await ds.query('CREATE TABLE deferred (id int UNIQUE DEFERRABLE INITIALLY DEFERRED)');
    const group = groupCommit();
    const results = await settle([
      group.submit((m) => insert(m, 1)),
      group.submit((m) => m.query('INSERT INTO deferred VALUES (1)')),
      group.submit((m) => m.query('INSERT INTO deferred VALUES (1)')), // fails only at COMMIT
      group.submit((m) => insert(m, 2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    for (const r of results) {
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    }
    expect(await ids()).toEqual([]);
    expect(groups).toEqual([{ works: 4, failed: 0, committed: false }]);
    // The group commit goes on: the next works commit.
    await group.submit((m) => insert(m, 3));
    expect(await ids()).toEqual([3]);
  });

  it('rejects every caller with an unavailable-database error when the connection dies mid-group', async () => {
    const group = groupCommit();
    const results = await settle([
      group.submit((m) => insert(m, 1)),
      group.submit((m) => m.query('SELECT pg_terminate_backend(pg_backend_pid())')),
      group.submit((m) => insert(m, 2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    // What a caller's outage retry (retryWhileDatabaseUnavailable) waits out and tries again.
    expect(isDatabaseUnavailable((results[0] as PromiseRejectedResult).reason)).toBe(true);
    expect(isDatabaseUnavailable((results[1] as PromiseRejectedResult).reason)).toBe(true);
    // The work the group had not reached ran in the next transaction.
    expect(await ids()).toEqual([2]);
    expect(groups.map((g) => g.committed)).toEqual([false, true]);
  });

  it('rejects every caller when BEGIN cannot be had', async () => {
    const group = groupCommit();
    await ds.destroy();
    const results = await settle([1, 2].map((id) => group.submit((m) => insert(m, id))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await ds.initialize();
  });

  it('puts at most maxWorks works in one transaction', async () => {
    const group = groupCommit({ maxWorks: 3 });
    const before = statementCounts.transactions;
    const txids = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((id) => group.submit((m) => insert(m, id))));
    expect(groups.map((g) => g.works)).toEqual([3, 3, 1]);
    expect(new Set(txids).size).toBe(3);
    expect(statementCounts.transactions - before).toBe(3);
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('starts no further work in a transaction open longer than maxTransactionMs', async () => {
    let clock = 0;
    const group = groupCommit({ maxTransactionMs: 100, now: () => clock });
    const slow = async (m: EntityManager, id: number) => {
      const txid = await insert(m, id);
      clock += 60; // each work takes 60 ms on this clock
      return txid;
    };
    const txids = await Promise.all([1, 2, 3, 4, 5].map((id) => group.submit((m) => slow(m, id))));
    expect(groups.map((g) => g.works)).toEqual([2, 2, 1]);
    expect(txids[0]).toBe(txids[1]);
    expect(txids[2]).not.toBe(txids[1]);
    expect(await ids()).toEqual([1, 2, 3, 4, 5]);
  });

  it('waits lingerMs for more works before it begins', async () => {
    const group = groupCommit({ lingerMs: 100 });
    const first = group.submit((m) => insert(m, 1));
    await new Promise((r) => setTimeout(r, 20));
    const second = group.submit((m) => insert(m, 2));
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(groups.map((g) => g.works)).toEqual([2]);
  });

  it("runs prepare first in each transaction with its works' inputs, and fails the group if it throws", async () => {
    const seen: number[][] = [];
    const group = new GroupCommit<number>(ds, {
      maxTransactionMs: 60_000,
      onGroup: (g) => groups.push(g),
      prepare: async (manager, inputs) => {
        seen.push(inputs);
        // What it does is in the works' transaction: they see its row.
        await manager.query('INSERT INTO items (id) VALUES ($1)', [100 + inputs.length]);
        if (inputs.includes(13)) throw new Error('prepare refused');
      },
    });
    const rows = await Promise.all(
      [3, 1, 2].map((id) =>
        group.submit(async (m) => {
          await insert(m, id);
          return (
            (await m.query('SELECT count(*)::int AS n FROM items WHERE id > 100')) as { n: number }[]
          )[0]?.n;
        }, id),
      ),
    );
    expect(seen).toEqual([[3, 1, 2]]);
    expect(rows).toEqual([1, 1, 1]);
    const failed = await settle([13, 4].map((id) => group.submit((m) => insert(m, id), id)));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toEqual(new Error('prepare refused'));
    expect(await ids()).toEqual([1, 2, 3, 103]);
  });
});
