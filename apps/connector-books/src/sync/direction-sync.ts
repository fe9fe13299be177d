import type { PortalError } from '@practice-sync/connector-kit';
import { toPortalError } from '@practice-sync/connector-kit';
import type { BooksCategory, BooksCounts, BooksDirection, BooksRule } from '@practice-sync/contracts';
import { booksClassOf } from '@practice-sync/contracts';

import type { DirectionGate } from '../conflicts/job-conflicts';
import { isUnreachable } from '../hold/books-hold';
import type { HeldChange, HeldRow } from '../hold/held-change';
import { heldToApply } from '../hold/held-change';
import type { BooksObject, DeletedObject, ObjectTag } from '../tally/books-objects';
import { MASTER_ORDER, refKey } from '../tally/books-objects';
import type { BooksServer, BooksServerClient } from '../tally/books-server.client';
import type { AlterWindow, ImportObject } from '../tally/tally-xml';
import { allowed, deletionAllowed } from './books-rules';
import type { ReceiverMasters } from './completeness';
import { complete, importOrder, mastersByName, missingRefs } from './completeness';
import type { ObjectResult } from './object-results';
import { isAbsentOnDelete, objectResults } from './object-results';
import type { WindowChange } from './watermark';
import { nextWatermark } from './watermark';

export interface AppliedObject {
  guid: string;
  type: ObjectTag;
  action: 'upsert' | 'delete';
  alterId: number;
}

export interface FailedObject {
  guid: string;
  type: ObjectTag;
  /** Tally's text: stays in connector-books (it names ledgers and amounts). */
  message: string;
}

/** What one direction of a job did. */
export interface DirectionResult {
  direction: BooksDirection;
  counts: BooksCounts;
  failed: FailedObject[];
  /** Each import batch's applied objects (one books.changes.applied each). */
  batches: AppliedObject[][];
  watermark: number;
  previousWatermark: number;
  /** Why it stopped early (a books server unreachable or answering garbage); null when it ran through. */
  error: PortalError | null;
  /** On-demand, receiver unreachable: the changes read and held instead of imported, in order (hold/). */
  held: HeldChange[];
  /** Ids of the held rows this job applied (or found the receiver already had): removed from the hold. */
  heldDone: string[];
  /** On-demand: the sender could not be reached, so its changes were not read (next run reads them). */
  senderOffline: boolean;
}

export interface DirectionInput {
  category: BooksCategory;
  direction: BooksDirection;
  sender: BooksServer;
  receiver: BooksServer;
  rules: readonly BooksRule[];
  watermark: number;
  /** GUIDs this job already applied the other way: their echo is not sent back. */
  echoes: ReadonlySet<string>;
  /** The conflict queue's gate: what changed at both ends since the last sync is queued, not imported. */
  gate?: DirectionGate;
  signal: AbortSignal;
  /** Held changes of this link, class and direction to import first, in order, before any newer change. */
  held?: readonly HeldRow[];
  /** On-demand link whose receiver is unreachable: read and judge as usual, but hold instead of importing. */
  holding?: boolean;
  /** On-demand link: a sender that cannot be reached has nothing to send yet (not a failure). */
  onDemand?: boolean;
}

type Planned = ImportObject & { guid: string; alterId: number; name?: string; brought?: boolean };

/** Deletions after every upsert: vouchers before the masters they use, masters in reverse dependency order. */
function planDeletes(removals: readonly DeletedObject[]): Planned[] {
  const rank = (tag: ObjectTag): number => (tag === 'VOUCHER' ? -1 : MASTER_ORDER.indexOf(tag));
  return [...removals]
    .sort((a, b) => rank(b.tag) - rank(a.tag) || a.alterId - b.alterId)
    .map((d) => ({
      tag: d.tag,
      node: { GUID: d.guid },
      action: 'Delete',
      guid: d.guid,
      alterId: d.alterId,
    }));
}

export const zeroCounts = (): BooksCounts => ({
  created: 0,
  altered: 0,
  deleted: 0,
  unchanged: 0,
  held: 0,
  conflicts: 0,
  errors: 0,
});

/**
 * One direction of a job: export what the sender changed since the watermark (ALTERID windows and
 * deletions), keep what the rules allow, bring along the masters the receiver lacks, import in batches, read
 * the RESPONSE per object, and move the watermark only past what was applied.
 */
export class DirectionSync {
  /** Masters per books URL, read once per job. */
  private readonly masters = new Map<string, Promise<BooksObject[]>>();

  constructor(
    private readonly client: BooksServerClient,
    private readonly batchSize: number,
  ) {}

  async run(input: DirectionInput): Promise<DirectionResult> {
    const result: DirectionResult = {
      direction: input.direction,
      counts: zeroCounts(),
      failed: [],
      batches: [],
      watermark: input.watermark,
      previousWatermark: input.watermark,
      error: null,
      held: [],
      heldDone: [],
      senderOffline: false,
    };
    // Each change read and let through by the rules, and whether the receiver now holds it.
    const judged: WindowChange[] = [];
    // Everything up to here was read (and judged); the watermark never passes it.
    let reached = input.watermark;
    let removals: DeletedObject[] = [];
    let settledRemovals: DeletedObject[] = [];
    const outcomes = new Map<string, boolean>();
    try {
      const { category, sender, signal } = input;
      // Masters this job already sent to the receiver (held ones, or brought along for an earlier page's vouchers).
      const sent = new Set<string>();
      if (input.held?.length) await this.applyHeld(input, input.held, result, sent);
      const top = await this.client.lastAlterId(sender, category, signal).catch((error: unknown) => {
        if (!input.onDemand || signal.aborted || !isUnreachable(error)) throw error;
        result.senderOffline = true;
        return input.watermark;
      });
      if (top <= input.watermark) return result;
      const range = { after: input.watermark, upTo: top };
      const masters = booksClassOf(category) === 'masters';
      const deletions = (await this.client.deleted(sender, category, range, signal)).filter(
        (d) => masters === (d.tag !== 'VOUCHER'),
      );
      removals = deletions.filter((d) => !input.echoes.has(d.guid) && deletionAllowed(input.rules, d));
      if (input.gate && removals.length) {
        // A deletion of what the receiver altered since the last sync waits in the conflict queue too.
        const screened = await input.gate.screenDeletions(removals, signal);
        removals = screened.apply;
        settledRemovals = screened.settled;
        result.counts.conflicts += screened.conflicts;
      }
      // Masters (a few thousand at most) in one piece, so groups go parents first across the whole window;
      // vouchers page by page (BOOKS_EXPORT_WINDOW ALTERIDs), so a job holds one page and the next, not the
      // whole window, and the next page is read while this one is imported.
      const pages = masters ? [range] : this.client.pages(range);
      const read = (page: AlterWindow): Promise<BooksObject[]> => {
        const loading = masters
          ? this.client.changed(sender, category, 'All Masters', page, signal)
          : this.client.changedPage(sender, category, 'Voucher', page, signal);
        loading.catch(() => undefined); // awaited below; a page read ahead of a failure is dropped
        return loading;
      };
      let next = pages.length ? read(pages[0]) : null;
      for (let i = 0; next; i++) {
        const exported = await next;
        next = i + 1 < pages.length ? read(pages[i + 1]) : null;
        let changes = exported.filter(
          (o) => !o.reserved && !input.echoes.has(o.guid) && allowed(input.rules, o),
        );
        let settled: BooksObject[] = [];
        try {
          if (input.gate) {
            const screened = await input.gate.screen(changes, signal);
            ({ apply: changes, settled } = screened);
            result.counts.conflicts += screened.conflicts;
            result.counts.unchanged += screened.unchanged;
          }
          await this.apply(input, await this.planUpserts(input, changes, sent), result, outcomes);
        } finally {
          for (const c of changes)
            judged.push({ alterId: c.alterId, applied: outcomes.get(c.guid) === true });
          // Unchanged since the last sync, or queued as a conflict: settled, the watermark may pass them.
          for (const c of settled) judged.push({ alterId: c.alterId, applied: true });
          outcomes.clear();
          reached = pages[i].upTo;
        }
      }
      await this.apply(input, planDeletes(removals), result, outcomes);
    } catch (error) {
      result.error = toPortalError(error);
    }
    // Deletions are read up front over the whole window: one not applied holds the watermark below it.
    for (const d of removals) judged.push({ alterId: d.alterId, applied: outcomes.get(d.guid) === true });
    for (const d of settledRemovals) judged.push({ alterId: d.alterId, applied: true });
    result.watermark = nextWatermark(input.watermark, reached, judged);
    return result;
  }

  /** The page's changes in import order, with the masters the receiver lacks (once per job) before them. */
  private async planUpserts(
    input: DirectionInput,
    changes: BooksObject[],
    sent: Set<string>,
  ): Promise<Planned[]> {
    const { category, receiver, sender, signal } = input;
    let ordered = importOrder(changes);
    if (changes.length) {
      // Holding: the receiver cannot be asked what it lacks; every master referred to is brought along and
      // the ones it holds are left out when the held changes are applied.
      const held = input.holding ? [] : await this.mastersOf(receiver, category, signal);
      const names = new Set(held.map((o) => refKey(o.tag, o.name)));
      const receiverHas: ReceiverMasters = {
        hasName: (tag, name) => names.has(refKey(tag, name)) || sent.has(refKey(tag, name)),
      };
      if (missingRefs(changes, receiverHas).length) {
        const senderMasters = mastersByName(await this.mastersOf(sender, category, signal));
        ordered = complete(changes, receiverHas, senderMasters).objects;
      }
    }
    // A master waiting in the conflict queue is never brought along (what refers to it fails until resolved).
    if (input.gate) ordered = ordered.filter((o) => changes.includes(o) || !input.gate?.frozen(o.guid));
    for (const o of ordered) if (o.tag !== 'VOUCHER') sent.add(refKey(o.tag, o.name));
    const own = new Set(changes.map((c) => c.guid));
    return ordered.map((o) => ({
      tag: o.tag,
      node: o.node,
      action: 'Create',
      guid: o.guid,
      alterId: o.alterId,
      name: o.name,
      brought: !own.has(o.guid),
    }));
  }

  private mastersOf(
    server: BooksServer,
    category: BooksCategory,
    signal: AbortSignal,
  ): Promise<BooksObject[]> {
    const cached = this.masters.get(server.booksUrl);
    if (cached) return cached;
    const loading = this.client.masters(server, category, signal);
    this.masters.set(server.booksUrl, loading);
    loading.catch(() => this.masters.delete(server.booksUrl));
    return loading;
  }

  /** Imports in batches; a failure to reach the receiver stops here (what follows stays unapplied). */
  private async apply(
    input: DirectionInput,
    plan: Planned[],
    result: DirectionResult,
    outcomes: Map<string, boolean>,
  ): Promise<void> {
    if (input.holding) {
      for (const item of plan) {
        result.held.push({
          tag: item.tag as ObjectTag,
          guid: item.guid,
          alterId: item.alterId,
          action: item.action === 'Delete' ? 'Delete' : 'Create',
          name: item.name ?? '',
          node: item.node,
          brought: item.brought ?? false,
        });
        outcomes.set(item.guid, true);
      }
      // The link's own changes; masters brought along for completeness are not counted.
      result.counts.held += plan.filter((item) => !item.brought).length;
      return;
    }
    const given = (c: BooksCounts): number => c.created + c.altered + c.deleted;
    for (let start = 0; start < plan.length; start += this.batchSize) {
      const batch = plan.slice(start, start + this.batchSize);
      // With the conflict gate: the receiver's counter before the batch, from which the gate tells the
      // ALTERIDs our import gave there (the sync bases), so only a later change of an object there conflicts.
      const before = input.gate
        ? await this.client.lastAlterId(input.receiver, input.category, input.signal)
        : 0;
      const givenBefore = given(result.counts);
      const perObject = await this.importBatch(input, batch, result.counts);
      const applied: AppliedObject[] = [];
      batch.forEach((item, i) => {
        const outcome = perObject[i];
        if (outcome.ok) {
          applied.push({
            guid: item.guid,
            type: item.tag as ObjectTag,
            action: item.action === 'Delete' ? 'delete' : 'upsert',
            alterId: item.alterId,
          });
        } else {
          result.failed.push({ guid: item.guid, type: item.tag as ObjectTag, message: outcome.message });
        }
        outcomes.set(item.guid, outcome.ok);
      });
      if (applied.length) result.batches.push(applied);
      await input.gate?.applied(
        batch
          .filter((item) => outcomes.get(item.guid) === true)
          .map((item) => ({ ...item, tag: item.tag as ObjectTag })),
        { before, given: given(result.counts) - givenBefore },
        input.signal,
      );
    }
  }

  /**
   * The held changes first, in the order they were held (masters brought along that the receiver holds by
   * now are left out). Those applied, or left out, are done; refused ones stay held and are tried again.
   */
  private async applyHeld(
    input: DirectionInput,
    rows: readonly HeldRow[],
    result: DirectionResult,
    sent: Set<string>,
  ): Promise<void> {
    const masters = await this.mastersOf(input.receiver, input.category, input.signal);
    const names = new Set(masters.map((o) => refKey(o.tag, o.name)));
    const { apply, skip } = heldToApply(rows, (tag, name) => names.has(refKey(tag, name)));
    result.heldDone.push(...skip.map((r) => r.id));
    const outcomes = new Map<string, boolean>();
    const plan: Planned[] = apply.map((r) => ({
      tag: r.tag,
      node: r.node,
      action: r.action,
      guid: r.guid,
      alterId: r.alterId,
    }));
    try {
      await this.apply({ ...input, holding: false }, plan, result, outcomes);
    } finally {
      for (const r of apply) {
        if (outcomes.get(r.guid) !== true) continue;
        result.heldDone.push(r.id);
        if (r.tag !== 'VOUCHER' && r.action === 'Create') sent.add(refKey(r.tag, r.name));
      }
    }
  }

  /** One batch, its counters added to `counts`; per object from LINEERROR, or one import per object. */
  async importBatch(input: DirectionInput, batch: Planned[], counts: BooksCounts): Promise<ObjectResult[]> {
    const { receiver, category, signal } = input;
    const response = await this.client.import(receiver, category, batch, signal);
    let results = objectResults(
      batch.map((b) => b.guid),
      response,
    );
    let responses = [response];
    if (!results) {
      // A real Tally places no LINEERROR: import the batch again one object at a time (applied ones are IGNORED).
      responses = [];
      results = [];
      for (const item of batch) {
        const single = await this.client.import(receiver, category, [item], signal);
        responses.push(single);
        results.push(objectResults([item.guid], single)?.[0] ?? { ok: false, message: 'refused' });
      }
    }
    for (const r of responses) {
      counts.created += r.created;
      counts.altered += r.altered;
      counts.deleted += r.deleted;
      counts.unchanged += r.ignored;
      counts.errors += r.errors;
    }
    // Deleting what the receiver never held (or already deleted) is done, not an error.
    return results.map((r, i) => {
      if (r.ok || batch[i].action !== 'Delete' || !isAbsentOnDelete(r.message)) return r;
      counts.errors -= 1;
      counts.unchanged += 1;
      return { ok: true };
    });
  }
}
