import { z } from 'zod';

import { BooksCategories, BooksDirections, BooksObjectErrorCodes } from '../../branch-sync';
import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';
import { FailureCodeSchema, OutcomeSchema } from '../shared.schema';

const count = z.number().int().nonnegative();

export const BooksCountsSchema = z.object({
  created: count,
  altered: count,
  deleted: count,
  /** Sent and found identical at the receiver (Tally's IGNORED), e.g. re-applied after a crash. */
  unchanged: count,
  /**
   * On-demand links: changes read from the sender and held (encrypted) by practice-sync because the receiver
   * could not be reached; applied in order once it can. 0 on online links.
   */
  held: count.default(0),
  /** Objects altered at both ends since the last sync: queued with both versions, not overwritten. */
  conflicts: count.default(0),
  /** Objects the receiver refused (listed in `failedObjects`). */
  errors: count,
});
export type BooksCounts = z.infer<typeof BooksCountsSchema>;

/** Identity only: the Tally error text names ledgers and amounts and stays in connector-books. */
export const BooksFailedObjectSchema = z.object({
  guid: z.string().min(1),
  /** Tally's object tag: LEDGER, GROUP, VOUCHER… */
  type: z.string().min(1),
  errorCode: z.enum(BooksObjectErrorCodes),
});

/** The link's held changes (every class and direction) after the job: how many, the oldest's hold time. */
export const BooksHeldSchema = z.object({
  count,
  oldestAt: z.string().datetime({ offset: true }).nullable(),
});
export type BooksHeld = z.infer<typeof BooksHeldSchema>;

/** A held change that expired before its receiver took it: identity only, never applied. */
export const BooksExpiredObjectSchema = z.object({
  guid: z.string().min(1),
  type: z.string().min(1),
  direction: z.enum(BooksDirections),
});

export const BooksJobCompletedSchema = z.object({
  jobId: z.string().uuid(),
  runId: z.string().uuid(),
  linkId: z.string().uuid(),
  category: z.enum(BooksCategories),
  attempt: z.number().int().positive(),
  /**
   * `succeeded` (something moved), `no_change`, `partial` (some objects refused: `failedObjects`; they are
   * tried again next run), `failed` (`errorCode`: `portal_unavailable` when a books server did not answer,
   * `invalid_response` when it answered something that is not Tally's XML).
   */
  outcome: OutcomeSchema,
  errorCode: FailureCodeSchema.nullable(),
  /** For the run log: what happened, naming companies by id only, never anything from the books. */
  errorMessage: z.string().nullable(),
  retryable: z.boolean(),
  counts: BooksCountsSchema,
  failedObjects: z.array(BooksFailedObjectSchema),
  /**
   * On-demand links: the link's held changes after this job (null: the connector did not say, e.g. an older
   * one, or absent). Client-master shows them on the link (`state: offline`, `held`).
   */
  held: BooksHeldSchema.nullable().optional(),
  /**
   * Held changes that expired (older than the hold) and were dropped unapplied; the outcome is then `failed`
   * with `hold_expired`: a new sync (snapshot) of the link is needed. Absent: none.
   */
  expiredObjects: z.array(BooksExpiredObjectSchema).optional(),
  /**
   * `books.snapshot` only: its chunks (`total`), how many are acknowledged by the receiver (over every attempt),
   * sent by this attempt, and re-sent (sent before but never acknowledged: an attempt killed mid-chunk).
   */
  snapshot: z
    .object({ total: count, acknowledged: count, sent: count, resent: count, resumedFrom: count })
    .optional(),
  startedAt: z.string().datetime({ offset: true }),
  finishedAt: z.string().datetime({ offset: true }),
});
export type BooksJobCompleted = z.infer<typeof BooksJobCompletedSchema>;

/**
 * connector-books reports one job attempt. A new event on its own topic rather than `sync.job.completed`:
 * that one requires `clientId`, `subject`, `period` and a portal category, which a link's job does not have,
 * so books results there would be refused by its current consumers.
 */
export const BooksJobCompletedEvent = defineEvent<BooksJobCompleted>({
  type: 'books.job.completed',
  version: 1,
  topics: [Topics.BooksResults],
  schema: BooksJobCompletedSchema,
  key: (d) => d.linkId,
  description:
    'The outcome of one branch-sync job attempt: counts created/altered/deleted/unchanged/held/conflicts/errors and, per refused object, only its GUID, type and an error code (the full Tally error is served by connector-books).',
});
