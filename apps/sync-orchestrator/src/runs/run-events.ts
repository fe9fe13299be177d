import type { SyncRunChanged } from '@practice-sync/contracts';
import { createEnvelope, SyncRunChangedEvent } from '@practice-sync/contracts';
import type { OutgoingEvent } from '@practice-sync/messaging';

import { totalsOf } from './run-totals';
import type { SyncRunEntity } from './sync-run.entity';

/** A SyncRunChanged event for the run as it is now, correlated by run id. */
export function runChangedEvent(
  run: SyncRunEntity,
  change: SyncRunChanged['change'],
  causationId: string,
): OutgoingEvent<SyncRunChanged> {
  const data: SyncRunChanged = {
    runId: run.id,
    change,
    status: run.status,
    totals: totalsOf(run),
    startedAt: run.startedAt ? run.startedAt.toISOString() : null,
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
  };
  return {
    contract: SyncRunChangedEvent,
    envelope: createEnvelope(SyncRunChangedEvent, data, {
      firmId: run.firmId,
      correlationId: run.id,
      causationId,
    }),
  };
}
