export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is being waited for; named in the timeout error so a failing test says what never happened. */
  description?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Polls `fn` until it returns a truthy value (which is returned) without throwing.
 * On timeout throws an Error naming `description` and the last error or falsy value seen.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 100, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last = 'never evaluated';
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = `returned ${String(value)}`;
    } catch (e) {
      last = `threw: ${describeError(e)}`;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; last attempt ${last}`);
    await sleep(Math.min(intervalMs, remaining));
  }
}
