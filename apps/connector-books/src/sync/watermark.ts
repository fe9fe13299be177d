/** One change of the exported window and whether the receiver now holds it. */
export interface WindowChange {
  alterId: number;
  applied: boolean;
}

/**
 * The new watermark of (link, class, direction): everything up to `top` (the sender's highest ALTERID when the
 * window was read, or the end of the last export page read when a job stopped part-way) when every change was
 * applied, else the highest ALTERID below the first change that was not, so that change (and what follows it)
 * is read again next run. Never past `top` (pages after it were not read), never moves back.
 */
export function nextWatermark(previous: number, top: number, changes: readonly WindowChange[]): number {
  let first = Infinity;
  for (const c of changes) if (!c.applied && c.alterId < first) first = c.alterId;
  return Math.max(previous, Math.min(top, first - 1));
}
