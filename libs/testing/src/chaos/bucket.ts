import { gstinCheckCharacter } from '@practice-sync/contracts';

/**
 * A firm's bucket of clients for runs at scale: deterministic identifiers, so two firms importing the same
 * series hold the same clients and a run of each fetches the same portal data (the sandbox's world is a
 * function of the identifier). Used by the at-scale e2e spec and the chaos suite.
 */

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A distinct valid company PAN per n (n < 17,576), in its own letter range per `series`. */
export function bucketPan(series: string, n: number): string {
  return `${series}${LETTERS[Math.floor(n / 676) % 26]}P${LETTERS[Math.floor(n / 26) % 26]}${String(n % 10_000).padStart(4, '0')}${LETTERS[n % 26]}`;
}

/** The first GSTIN (Maharashtra, entity 1) of a PAN, with its check character. */
export function gstinOfPan(pan: string): string {
  const first14 = `27${pan}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

/** Which identifiers client n lacks, so every kind of `skipped` job appears. */
export const bucketLacks = {
  gstin: (n: number) => n % 20 === 0,
  esign: (n: number) => n % 20 === 1,
  pan: (n: number) => n % 40 === 2,
};

/** The client import CSV (`POST /v1/clients/import`) of `count` clients of `series`, all tagged `tag`. */
export function bucketCsv(series: string, count: number, tag: string): string {
  const rows = ['name,pan,gstins,esignClientFileId,tags'];
  for (let n = 0; n < count; n++) {
    const pan = bucketPan(series, n);
    rows.push(
      [
        `Scale client ${series}${n}`,
        bucketLacks.pan(n) ? '' : pan,
        bucketLacks.gstin(n) ? '' : gstinOfPan(pan),
        bucketLacks.esign(n) ? '' : `${series}-CF-${n}`,
        tag,
      ].join(','),
    );
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Stack variables for runs whose subject is not the portals' pace: no per-account rate limit (the sandbox has
 * no quota to protect), short sandbox preparation times, quick polls and short retry back-offs.
 */
export const FAST_RUN_ENV: Readonly<Record<string, string>> = {
  PORTAL_RATE_LIMIT_PER_MINUTE: '0',
  WORKER_CONCURRENCY: '32',
  SANDBOX_QUEUE_READY_MS: '200',
  SANDBOX_ITR_JOB_READY_MS: '200',
  SANDBOX_ESIGN_POLL_INTERVAL_MS: '0',
  ASYNC_POLL_INTERVAL_MS: '100',
  RATE_LIMIT_POINTS: '1000000000',
  DISPATCH_POLL_MS: '100',
  // Statements the portal cannot prepare end `partial` and retryable: keep their re-tries short.
  JOB_RETRY_BASE_MS: '500',
  JOB_RETRY_MAX_MS: '2000',
};

/** A GST period (MMYYYY) whose 2B is generated whatever today's date: two months back. */
export function settledGstPeriod(now = new Date()): string {
  const back = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
  return `${String(back.getUTCMonth() + 1).padStart(2, '0')}${back.getUTCFullYear()}`;
}
