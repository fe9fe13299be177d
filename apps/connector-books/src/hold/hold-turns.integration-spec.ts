import { randomBytes } from 'node:crypto';

import { CredentialCipher } from '@practice-sync/connector-kit';
import type { MigratedSchema } from '@practice-sync/testing';
import { migratedSchema } from '@practice-sync/testing';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { CONNECTOR_BOOKS } from '../config/connector-books.config';
import type { BooksServerClient } from '../tally/books-server.client';
import { BooksHold } from './books-hold';
import type { HeldChange } from './held-change';
import type { HoldKey } from './hold-store';
import { HoldStore } from './hold-store';

jest.setTimeout(60_000);

/**
 * A link's masters and transactions jobs finish in parallel, and each result carries the link's whole `held`
 * total. Against a real PostgreSQL: the job that counts while the other is taking its held changes out must
 * wait for that commit and count what it left, or the link would read `offline` with nothing held.
 */
describe('connector-books: the hold takes turns per link', () => {
  let db: MigratedSchema;
  let hold: BooksHold;
  let store: HoldStore;
  const firmId = uuidv7();
  const job = { firmId, jobId: uuidv7() };
  const change = (guid: string): HeldChange => ({
    guid,
    tag: 'VOUCHER',
    alterId: 7,
    action: 'Create',
    brought: false,
    name: 'Receipt',
    node: { NARRATION: 'held' },
  });

  beforeAll(async () => {
    db = await migratedSchema('books_hold_turns', [...(CONNECTOR_BOOKS.migrations ?? [])]);
    const cipher = new CredentialCipher([{ id: 'k1', key: randomBytes(32) }], 'k1');
    store = new HoldStore(db.dataSource, cipher);
    hold = new BooksHold(
      store,
      {} as BooksServerClient,
      { now: () => Promise.resolve(new Date()) },
      86_400_000,
    );
  });

  afterAll(async () => {
    await db.dataSource.query(`DROP SCHEMA IF EXISTS "${db.options.schema}" CASCADE`);
    await db.dataSource.destroy();
  });

  async function heldFor(linkId: string): Promise<HoldKey> {
    const key: HoldKey = { linkId, cls: 'transactions', direction: 'receive' };
    await db.dataSource.transaction((m) =>
      store.add(m, key, job, [change(uuidv7()), change(uuidv7())], new Date()),
    );
    return key;
  }

  /** Runs `first` up to the point it holds its transaction open, then `second`, and lets `first` commit. */
  async function race(
    first: (m: EntityManager) => Promise<void>,
    second: (m: EntityManager) => Promise<number>,
  ): Promise<{ counted: number; secondDoneBeforeFirstCommitted: boolean }> {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let firstCommitted = false;
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const a = db.dataSource
      .transaction(async (m) => {
        await first(m);
        entered();
        await released;
      })
      .then(() => (firstCommitted = true));
    await inside;
    let secondDone = false;
    const b = db.dataSource.transaction(second).then((n) => {
      secondDone = true;
      return n;
    });
    // Give the second transaction every chance to read early, were it free to.
    await new Promise((r) => setTimeout(r, 300));
    const early = secondDone && !firstCommitted;
    release();
    await a;
    return { counted: await b, secondDoneBeforeFirstCommitted: early };
  }

  it('a parallel job counting the link waits for the job applying its held changes, and counts none', async () => {
    const linkId = uuidv7();
    const key = await heldFor(linkId);
    const live = await store.pending(key);
    expect(live).toHaveLength(2);
    const { counted, secondDoneBeforeFirstCommitted } = await race(
      (m) =>
        hold.persist(
          m,
          { key, live, expired: [], holding: false },
          { held: [], heldDone: live.map((r) => r.id), appliedGuids: new Set(live.map((r) => r.guid)) },
          job,
          new Date(),
        ),
      async (m) => (await hold.totals(m, linkId)).count,
    );
    expect(secondDoneBeforeFirstCommitted).toBe(false);
    expect(counted).toBe(0);
  });

  it('a job that counted first holds the applying job back until it commits, so its result comes first', async () => {
    const linkId = uuidv7();
    const key = await heldFor(linkId);
    const live = await store.pending(key);
    const { counted, secondDoneBeforeFirstCommitted } = await race(
      async (m) => {
        await hold.totals(m, linkId);
      },
      async (m) => {
        await hold.persist(
          m,
          { key, live, expired: [], holding: false },
          { held: [], heldDone: live.map((r) => r.id), appliedGuids: new Set() },
          job,
          new Date(),
        );
        return (await hold.totals(m, linkId)).count;
      },
    );
    expect(secondDoneBeforeFirstCommitted).toBe(false);
    expect(counted).toBe(0);
  });

  it('links do not wait for each other', async () => {
    const [one, two] = [uuidv7(), uuidv7()];
    await heldFor(one);
    await heldFor(two);
    const { counted, secondDoneBeforeFirstCommitted } = await race(
      async (m) => {
        await hold.totals(m, one);
      },
      async (m) => (await hold.totals(m, two)).count,
    );
    expect(secondDoneBeforeFirstCommitted).toBe(true);
    expect(counted).toBe(2);
  });
});
