import type { BooksLinkChange, LinkState } from '@practice-sync/contracts';
import { BooksLinkChangedEvent, createEnvelope } from '@practice-sync/contracts';
import { enqueueEvents } from '@practice-sync/messaging';
import type { EntityManager } from 'typeorm';

import type { BranchLinkDto } from './dto/branch-link.dto';

export interface LinkChangeContext {
  firmId: string;
  /** The rules the change concerns (`rules_*`, `rule_*`). */
  ruleIds?: string[];
  previousState?: LinkState | null;
  /** The run a job event belonged to, and the event that caused this one (job-driven state changes). */
  correlationId?: string | null;
  causationId?: string | null;
  now?: Date;
}

/**
 * Writes `books.link.changed` events to the outbox in the caller's transaction (the change's own), one per
 * change, from the Link as it is after them: identities and states only.
 */
export async function enqueueLinkChanges(
  manager: EntityManager,
  link: BranchLinkDto,
  changes: { change: BooksLinkChange; ruleIds?: string[] }[],
  ctx: LinkChangeContext,
): Promise<void> {
  if (changes.length === 0) return;
  const now = ctx.now ?? new Date();
  const rules = link.rules.map((r) => ({
    id: r.id,
    class: r.class,
    direction: r.direction,
    status: r.status,
  }));
  await enqueueEvents(
    manager,
    changes.map(({ change, ruleIds }) => ({
      contract: BooksLinkChangedEvent,
      envelope: createEnvelope(
        BooksLinkChangedEvent,
        {
          linkId: link.id,
          change,
          clientCompanyId: link.clientCompanyId,
          serverCompanyId: link.serverCompanyId,
          mode: link.mode,
          state: link.state,
          previousState: change === 'state_changed' ? (ctx.previousState ?? null) : null,
          ruleIds: ruleIds ?? [],
          rules,
          lastSyncAt: link.lastSyncAt,
          at: now.toISOString(),
        },
        {
          firmId: ctx.firmId,
          correlationId: ctx.correlationId ?? null,
          causationId: ctx.causationId ?? null,
          now,
        },
      ),
    })),
  );
}
