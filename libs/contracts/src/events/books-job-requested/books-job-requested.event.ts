import { z } from 'zod';

import { BooksCategories, BooksClasses, BooksRuleDirections, LinkModes } from '../../branch-sync';
import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';

const BooksCompanyRefSchema = z.object({
  companyId: z.string().uuid(),
  /** The company's books server (Tally's XML over HTTP; the sandbox in tests). */
  booksUrl: z.string().url(),
});

export const BooksRuleSchema = z.object({
  id: z.string().uuid(),
  class: z.enum(BooksClasses),
  /** Master types (`ledger`, `group`…) or voucher types (`Sales`…); empty: every type of the class. */
  types: z.array(z.string().min(1)),
  /** From the link's client side: `send` = client → server, `receive` = server → client. */
  direction: z.enum(BooksRuleDirections),
  /** Vouchers dated before it never move (`YYYY-MM-DD`); null: no limit. */
  fromDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
});
export type BooksRule = z.infer<typeof BooksRuleSchema>;

export const BooksJobRequestedSchema = z.object({
  jobId: z.string().uuid(),
  runId: z.string().uuid(),
  firmId: z.string().min(1),
  linkId: z.string().uuid(),
  category: z.enum(BooksCategories),
  /** The link's client company (where its rules are defined). */
  client: BooksCompanyRefSchema,
  /** The link's server company (where its rules are activated). */
  server: BooksCompanyRefSchema,
  /** The link's ACTIVE rules only (proposed and rejected ones move nothing). */
  rules: z.array(BooksRuleSchema),
  /** `books.snapshot` only: `replace: true` lets it import over a receiver whose books are not empty. */
  snapshot: z.object({ replace: z.boolean() }).optional(),
  /** 1 for the first dispatch, then 2, 3… for re-dispatches. */
  attempt: z.number().int().positive(),
  /**
   * The link's mode (absent: `online`): `on_demand` — when the receiving books server cannot be reached, connector-books holds the
   * changes (encrypted) and applies them once it can; `online` — the job fails `portal_unavailable`.
   */
  mode: z.enum(LinkModes).optional(),
});
export type BooksJobRequested = z.infer<typeof BooksJobRequestedSchema>;

/** The orchestrator asks connector-books to sync one class of objects over one branch link. */
export const BooksJobRequestedEvent = defineEvent<BooksJobRequested>({
  type: 'books.job.requested',
  version: 1,
  topics: [Topics.JobsBooks],
  schema: BooksJobRequestedSchema,
  key: (d) => d.linkId,
  description:
    "A branch-sync job for one link and one class (books.masters | books.transactions), with the link's active rules; keyed by link so one link's jobs stay in order.",
});
