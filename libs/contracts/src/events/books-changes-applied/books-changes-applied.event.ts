import { z } from 'zod';

import { BooksDirections } from '../../branch-sync';
import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';

export const BooksAppliedObjectSchema = z.object({
  guid: z.string().min(1),
  /** Tally's object tag: LEDGER, GROUP, VOUCHER… */
  type: z.string().min(1),
  /** `upsert`: created or altered at the receiver (Tally's Create alters a GUID it knows); `delete`. */
  action: z.enum(['upsert', 'delete']),
  /** The sender's ALTERID of the change (of the delete, for a deletion). */
  alterId: z.number().int().nonnegative(),
});

export const BooksChangesAppliedSchema = z.object({
  linkId: z.string().uuid(),
  runId: z.string().uuid(),
  jobId: z.string().uuid(),
  /** `send`: the link's client → its server; `receive`: server → client. */
  direction: z.enum(BooksDirections),
  objects: z.array(BooksAppliedObjectSchema).min(1),
});
export type BooksChangesApplied = z.infer<typeof BooksChangesAppliedSchema>;

/** One batch of objects imported into a receiving company: identities only, nothing from the books. */
export const BooksChangesAppliedEvent = defineEvent<BooksChangesApplied>({
  type: 'books.changes.applied',
  version: 1,
  topics: [Topics.BooksChanges],
  schema: BooksChangesAppliedSchema,
  key: (d) => d.linkId,
  description:
    'Objects one import batch applied over a branch link (GUID, type, upsert|delete, sender ALTERID); identity only, never names or amounts.',
});
