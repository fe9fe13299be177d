import type { ConnectorJob } from './portal-fetcher';

export interface JobSessionCall<H, T> {
  /** The job's session when it has none yet (looked up, refreshed when close to expiry). */
  open(): Promise<H>;
  /** One portal call with the session. */
  attempt(session: H): Promise<T>;
  /** Whether the call failed because the session is dead (the portal ended it); other errors are thrown. */
  isDead(error: unknown, session: H): boolean;
  /** A live session in place of the dead one (refresh, re-login, or another worker's newer one). */
  renew(dead: H): Promise<H>;
}

/**
 * The session each job's calls use: opened at the job's first call, not at every one of its calls; a call
 * that finds it dead renews it once and is made again with the new one (whose failure is the call's).
 */
export class JobSessions<H> {
  private readonly byJob = new WeakMap<ConnectorJob, H>();

  async call<T>(job: ConnectorJob, call: JobSessionCall<H, T>): Promise<T> {
    let session = this.byJob.get(job) ?? (await call.open());
    this.byJob.set(job, session);
    try {
      return await call.attempt(session);
    } catch (error) {
      if (!call.isDead(error, session)) throw error;
      session = await call.renew(session);
      this.byJob.set(job, session);
      return call.attempt(session);
    }
  }
}
