import type { ConnectorJob, PortalHttpClient, PortalRequest } from '@practice-sync/connector-kit';
import { JobSessions, parseShape, PortalError } from '@practice-sync/connector-kit';
import type { Category } from '@practice-sync/contracts';
import { z } from 'zod';

import type { ItrSessionHandle, ItrSessionService } from './itr-session.service';
import { itrErrorCodes } from './itr-session.service';

const SuccessSchema = z.object({ successFlag: z.boolean(), data: z.unknown().optional() }).passthrough();

export interface ItrCall {
  category: Category;
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  what: string;
}

/** Marks why a call was refused, so the read can tell a dead session from a missing consent. */
class SessionEnded extends PortalError {}
class ConsentMissing extends PortalError {}

/**
 * E-filing reads for a job: the ERI session header, a dead session renewed once (re-login), a missing
 * consent turned into `otp_required` for the PAN, and `successFlag: false` never read as "no data".
 */
export class ItrApi {
  /** The session a job's calls use, looked up at its first call (a dead one is renewed by the call finding it). */
  private readonly jobSessions = new JobSessions<ItrSessionHandle>();

  constructor(
    private readonly http: PortalHttpClient,
    private readonly sessions: ItrSessionService,
  ) {}

  async call(job: ConnectorJob, call: ItrCall, signal: AbortSignal): Promise<unknown> {
    const pan = job.subject.value;
    let renewed = false;
    try {
      return await this.jobSessions.call(job, {
        open: () => this.sessions.sessionFor(job.firmId, pan, signal),
        attempt: (session) => this.once(session, call, signal, job.firmId),
        isDead: (error, session) => error instanceof SessionEnded && Boolean(session.authToken),
        renew: (dead) => {
          renewed = true;
          return this.sessions.renew(job.firmId, dead.authToken, signal);
        },
      });
    } catch (error) {
      if (error instanceof ConsentMissing) return this.sessions.consentLapsed(job.firmId, pan);
      if (error instanceof SessionEnded && renewed) {
        throw new PortalError(
          'auth_failed',
          'the e-filing portal ended the session again right after a login',
        );
      }
      throw error;
    }
  }

  private once(
    session: ItrSessionHandle,
    call: ItrCall,
    signal: AbortSignal,
    firmId: string,
  ): Promise<unknown> {
    const request: PortalRequest = {
      category: call.category,
      method: call.method,
      path: call.path,
      query: call.query,
      body: call.body,
      headers: session.authToken ? { authToken: session.authToken } : {},
      signal,
      what: call.what,
      account: firmId,
      onHttpError: (status, body) => {
        const codes = itrErrorCodes(body);
        if (codes.some((c) => c === 'ERI_SESSION_INVALID' || c === 'ERI_SESSION_EXPIRED')) {
          return new SessionEnded('auth_failed', `the e-filing session ended (${codes.join(', ')})`);
        }
        if (codes.includes('ERI_CLIENT_NOT_ADDED')) {
          return new ConsentMissing('otp_required', 'the portal has no consent for this PAN');
        }
        if (status === 400 || status === 404) {
          return new PortalError(
            'invalid_response',
            `the e-filing portal refused ${call.what} (${codes.join(', ') || `HTTP ${status}`})`,
          );
        }
        return undefined;
      },
    };
    return this.http.request(request, (body) => {
      const answer = parseShape(SuccessSchema, body, call.what);
      // successFlag false is a refusal, never "no data".
      if (!answer.successFlag) {
        throw new PortalError(
          'invalid_response',
          `the e-filing portal refused ${call.what}: ${itrErrorCodes(body).join(', ') || 'no reason given'}`,
        );
      }
      return answer.data ?? null;
    });
  }
}
