/** Conflict ids a result message lists before saying how many more. */
const LISTED = 10;

/**
 * What a job's result says of the conflicts it queued: how many and their ids (nothing from the books), and
 * where a person resolves them. Null when there were none.
 */
export function conflictsMessage(ids: readonly string[]): string | null {
  if (!ids.length) return null;
  const more = ids.length > LISTED ? ` and ${ids.length - LISTED} more` : '';
  return (
    `${ids.length} object(s) altered at both ends since the last sync wait in the conflict queue, applied at ` +
    `neither end (conflicts ${ids.slice(0, LISTED).join(', ')}${more}); resolve each with ` +
    'POST /v1/branch-conflicts/{id}/resolve'
  );
}
