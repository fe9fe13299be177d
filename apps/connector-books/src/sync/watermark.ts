/** One change of the exported window and whether the receiver now holds it. */
export interface WindowChange {
  alterId: number;
  applied: boolean;
}

/**
 * The new watermark of (link, class, direction): everything up to `top` (the sender's highest ALTERID when the
 * window was read) when every change was applied, else the highest ALTERID below the first change that was not,
 * so that change (and what follows it) is read again next run. Never moves back.
 */
export function nextWatermark(previous: number, top: number, changes: readonly WindowChange[]): number {
  const pending = changes.filter((c) => !c.applied).map((c) => c.alterId);
  if (!pending.length) return Math.max(previous, top);
  return Math.max(previous, Math.min(...pending) - 1);
}
