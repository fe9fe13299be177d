import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (its last release) re-arms a timer in every broker connection's request queue whenever it
 * checks for pending requests, even when nothing is pending and nothing is throttled; the delay is then
 * negative, so the check runs again about every millisecond, for ever (kafkajs issues 1556, 1604 and 1704;
 * the fix, pull request 1667, was never released). Measured here: an idle service with a consumer woke
 * ~860 times a second instead of ~100, about 4% of a core each, doing nothing.
 *
 * This replaces that one method with the intended behaviour: a check is scheduled only while requests are
 * pending (after the client-side throttle, or shortly when not throttled); a request that settles checks the
 * queue itself. Applied once per process, and only to the kafkajs version it was written for.
 */
const PATCHED_VERSION = '2.2.4';
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

type RequestQueueClass = { prototype: RequestQueueLike };

const marker = Symbol.for('practice-sync.kafkajs-idle-fix');

function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledFor = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

/** kafkajs' RequestQueue class (the very module kafkajs itself uses). */
export function kafkajsRequestQueue(): RequestQueueClass {
  const require = createRequire(__filename);
  return require('kafkajs/src/network/requestQueue') as RequestQueueClass;
}

/**
 * Applies the fix (idempotent). Returns false, leaving kafkajs alone, for any other kafkajs version: a release
 * that fixed the loop itself, or one whose request queue this was not checked against.
 */
export function applyKafkajsIdleFix(): boolean {
  const require = createRequire(__filename);
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_VERSION) return false;
  const prototype = kafkajsRequestQueue().prototype as RequestQueueLike & { [marker]?: true };
  if (!prototype[marker]) {
    prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
    prototype[marker] = true;
  }
  return true;
}
