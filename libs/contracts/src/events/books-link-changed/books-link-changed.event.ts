import { z } from 'zod';

import { BooksClasses, BooksRuleDirections, LinkModes, LinkStates, RuleStatuses } from '../../branch-sync';
import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';

/** What happened to a link (one event per change; a PATCH that does several sends several). */
export const BooksLinkChanges = [
  'created',
  'mode_changed',
  'rules_proposed',
  'rules_removed',
  'rule_activated',
  'rule_rejected',
  'state_changed',
  'deleted',
] as const;
export type BooksLinkChange = (typeof BooksLinkChanges)[number];

const uuid = z.string().uuid();
const instant = z.string().datetime({ offset: true });

export const BooksLinkChangedSchema = z.object({
  linkId: uuid,
  change: z.enum(BooksLinkChanges),
  clientCompanyId: uuid,
  serverCompanyId: uuid,
  mode: z.enum(LinkModes),
  /** The link's state after the change (`deleted`: as it was). */
  state: z.enum(LinkStates),
  /** `state_changed`: the state before; null otherwise. */
  previousState: z.enum(LinkStates).nullable(),
  /** The rules the change concerns (`rules_*`, `rule_*`); empty for the other changes. */
  ruleIds: z.array(uuid),
  /** Every rule of the link after the change, identities and statuses only (no reasons, no types). */
  rules: z.array(
    z.object({
      id: uuid,
      class: z.enum(BooksClasses),
      direction: z.enum(BooksRuleDirections),
      status: z.enum(RuleStatuses),
    }),
  ),
  lastSyncAt: instant.nullable(),
  at: instant,
});
export type BooksLinkChanged = z.infer<typeof BooksLinkChangedSchema>;

/**
 * client-master announces each change of a branch link (created, rules proposed / removed / decided, state,
 * deleted) for other systems, through its outbox in the transaction of the change. Identities and states
 * only: no company names, books URLs, rejection reasons or error texts.
 */
export const BooksLinkChangedEvent = defineEvent<BooksLinkChanged>({
  type: 'books.link.changed',
  version: 1,
  topics: [Topics.BooksLinks],
  schema: BooksLinkChangedSchema,
  key: (d) => d.linkId,
  description:
    'A branch link changed: created, mode changed, rules proposed/removed/activated/rejected, state changed (online, syncing, failed…) or deleted; identities and states only, keyed by link.',
});
