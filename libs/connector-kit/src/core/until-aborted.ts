/**
 * `work`'s result, or a rejection with the signal's reason as soon as it aborts (even if `work` ignores the
 * signal). The abort listener is removed once either settles: left on a signal that outlives the race, it would
 * keep the race — and `work`'s result with it — reachable for as long as the signal is (connector-gst held each
 * job's fetched records this way while its portal limiter held the job's signal; bench/README.md, gst-cpu).
 */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
