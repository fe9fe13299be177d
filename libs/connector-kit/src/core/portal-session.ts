import type { Portal } from '@practice-sync/contracts';

import type { AccessRecord, AccessStatus, AccessStore, AccessUpdate } from '../access/access-store';
import type { ConnectorMetrics } from './connector-metrics';
import { PortalError } from './portal-error';
import type { PortalHttpClient, PortalRequest } from './portal-http.client';

export interface PortalSessionOptions {
  portal: Portal;
  /** REQUIRE_CREDENTIALS: false lets an identifier with nothing stored be called without a session. */
  requireCredentials: boolean;
  /** Limit of a login / token call made without a job's signal (default 30 s). */
  sessionCallTimeoutMs?: number;
}

/**
 * What every portal session client (GST OTP sessions, ITR intermediary logins and consents) does the same
 * way: reads and writes its sealed access rows, answers a missing access before any portal call, runs one
 * login / refresh per account at a time (concurrent jobs share it), marks an identifier that needs a person
 * (counted as `lapsed`, no portal call until then), and makes its login / token calls as `session` calls.
 * What a portal asks for (OTPs, keys, consents, lock-outs) stays in the connector's subclass.
 */
export abstract class PortalSessionClient<TSecret, TSession> {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  protected constructor(
    protected readonly http: PortalHttpClient,
    protected readonly access: AccessStore,
    protected readonly metrics: ConnectorMetrics,
    private readonly sessionOptions: PortalSessionOptions,
  ) {}

  /** The stored access of one identifier, secret and session opened. */
  protected stored(firmId: string, identifier: string): Promise<AccessRecord<TSecret, TSession> | null> {
    return this.access.get<TSecret, TSession>(firmId, this.sessionOptions.portal, identifier);
  }

  /**
   * The stored access a job starts with: read ahead with its claim when fresh (`AccessStore.getForJob`). Re-reads
   * that look for another worker's change use `stored`.
   */
  protected storedForJob(
    firmId: string,
    identifier: string,
  ): Promise<AccessRecord<TSecret, TSession> | null> {
    return this.access.getForJob<TSecret, TSession>(firmId, this.sessionOptions.portal, identifier);
  }

  protected save(
    firmId: string,
    identifier: string,
    update: AccessUpdate<TSecret, TSession>,
  ): Promise<AccessStatus> {
    return this.access.put<TSecret, TSession>(firmId, this.sessionOptions.portal, identifier, update);
  }

  /**
   * Nothing is stored for a job's identifier: returns when the portal may be called without a session,
   * else counts it and throws credentials_missing with `message` (what to store, where).
   */
  protected accessMissing(message: string): void {
    if (!this.sessionOptions.requireCredentials) return;
    this.metrics.session('missing');
    throw new PortalError('credentials_missing', message);
  }

  /** One run of `work` per key at a time: a caller arriving while it runs gets the same answer. */
  protected once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const done = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, done);
    return done;
  }

  /** The identifier needs a person: stores why (no portal call for it until then) and throws `error`. */
  protected async lapse(
    firmId: string,
    identifier: string,
    update: AccessUpdate<TSecret, TSession>,
    error: PortalError,
  ): Promise<never> {
    this.metrics.session('lapsed');
    await this.save(firmId, identifier, update);
    throw error;
  }

  /** A login / token call (`session` in the metrics); without a job's signal, bounded by the session limit. */
  protected sessionCall<T>(
    request: Omit<PortalRequest, 'category' | 'signal'> & { signal?: AbortSignal },
    decode: (body: unknown) => T,
  ): Promise<T> {
    return this.http.request(
      {
        ...request,
        category: 'session',
        signal: request.signal ?? AbortSignal.timeout(this.sessionOptions.sessionCallTimeoutMs ?? 30_000),
      },
      decode,
    );
  }
}
