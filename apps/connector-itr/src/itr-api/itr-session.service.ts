import type {
  AccessStatus,
  AccessStore,
  ConnectorMetrics,
  PortalHttpClient,
  PortalRequest,
} from '@practice-sync/connector-kit';
import { parseShape, PortalError, PortalSessionClient } from '@practice-sync/connector-kit';
import { z } from 'zod';

/** The firm's e-filing intermediary (ERI) account. */
export interface ItrAccountSecret {
  clientId: string;
  clientSecret: string;
  userId: string;
  password: string;
}

interface ItrSessionData {
  authToken: string;
}

/** The identifier the firm's ERI account is stored under (PAN consents are stored under the PAN). */
export const ITR_ACCOUNT = 'account';

export interface ItrSessionOptions {
  requireCredentials: boolean;
}

const ErrorBodySchema = z
  .object({
    errors: z.array(z.object({ code: z.string().optional(), desc: z.string().optional() }).passthrough()),
  })
  .passthrough();

const LoginSchema = z
  .object({ successFlag: z.literal(true), data: z.object({ authToken: z.string().min(1) }).passthrough() })
  .passthrough();
const OkSchema = z.object({ successFlag: z.literal(true), data: z.unknown().optional() }).passthrough();

/** The portal's error codes from an error body (ITR answers `errors[{code, desc}]`). */
export function itrErrorCodes(body: unknown): string[] {
  const parsed = ErrorBodySchema.safeParse(body);
  return parsed.success ? parsed.data.errors.map((e) => e.code ?? '').filter(Boolean) : [];
}

/** What a PAN's job says when the firm has no e-filing intermediary account: the first step of two. */
export function accountMissingMessage(pan: string): string {
  return (
    'no e-filing intermediary account is stored for the firm: store it (PUT /v1/credentials/itr), then ' +
    `ask the taxpayer for the e-filing OTP and POST /v1/credentials/itr/${pan}/consent`
  );
}

/** What a PAN's job says when the firm's account is in place and only the taxpayer's consent is missing. */
export function consentRequiredMessage(pan: string): string {
  return (
    `the taxpayer ${pan} has not given consent: POST /v1/credentials/itr/${pan}/consent with {} to have the ` +
    'portal send them the e-filing OTP, then ask the taxpayer for it and POST it as { "otp": "…" }'
  );
}

/** The portal refused a login, an OTP or a consent (shown to the person who asked). */
export class ItrRefused extends Error {}

/** The session a read uses: null token = a portal that does not require sessions. */
export interface ItrSessionHandle {
  authToken: string | null;
}

/**
 * ERI login with the stored account (re-login when the portal ends the session: idle timeout or a newer
 * login), and the taxpayer's consent per PAN. Without the firm's account every PAN is `credentials_missing`;
 * with it, a PAN whose consent is the only thing missing is `consent_required` (naming the step); a consent
 * the portal no longer has is `otp_required` and the PAN is not called again until a person renews it.
 */
export class ItrSessionService extends PortalSessionClient<ItrAccountSecret, ItrSessionData> {
  constructor(
    http: PortalHttpClient,
    access: AccessStore,
    metrics: ConnectorMetrics,
    options: ItrSessionOptions,
  ) {
    super(http, access, metrics, {
      portal: 'itr',
      requireCredentials: options.requireCredentials,
      sessionCallTimeoutMs: 60_000,
    });
  }

  async putAccount(firmId: string, secret: ItrAccountSecret): Promise<AccessStatus> {
    try {
      const token = await this.login(secret);
      this.metrics.session('opened');
      return await this.save(firmId, ITR_ACCOUNT, {
        secret,
        session: { authToken: token },
        status: 'ok',
        detail: `ERI user ${secret.userId}`,
        expiresAt: null,
      });
    } catch (error) {
      if (!(error instanceof ItrRefused)) throw error;
      await this.save(firmId, ITR_ACCOUNT, {
        secret,
        session: null,
        status: 'failed',
        detail: error.message,
        expiresAt: null,
      });
      throw error;
    }
  }

  /** Without an OTP: asks the portal to send the taxpayer one. With it: records the consent. */
  async consent(
    firmId: string,
    pan: string,
    otp: string | undefined,
    dob?: string,
  ): Promise<AccessStatus | null> {
    const session = await this.accountSession(firmId, AbortSignal.timeout(60_000), true);
    if (!session) return null;
    if (otp === undefined) {
      await this.call(firmId, session, 'request a consent OTP', {
        method: 'POST',
        path: `/eri/v1/clients/${pan}/consent/otp`,
        body: dob ? { dob } : {},
      });
      return this.save(firmId, pan, {
        status: 'otp_required',
        detail: 'an OTP was sent to the taxpayer; submit it to record the consent',
      });
    }
    await this.call(firmId, session, 'record the consent', {
      method: 'POST',
      path: `/eri/v1/clients/${pan}/consent`,
      body: { otp },
    });
    return this.save(firmId, pan, { status: 'ok', detail: 'consent recorded', expiresAt: null });
  }

  /**
   * The session for a job's PAN; throws credentials_missing / otp_required / auth_failed without calling the
   * portal when access is missing or needs a person.
   */
  async sessionFor(firmId: string, pan: string, signal: AbortSignal): Promise<ItrSessionHandle> {
    const account = await this.storedForJob(firmId, ITR_ACCOUNT);
    if (!account) {
      this.accessMissing(accountMissingMessage(pan));
      return { authToken: null };
    }
    if (account.status === 'failed') {
      throw new PortalError(
        'auth_failed',
        `the e-filing portal refused the firm's account (${account.detail ?? ''})`,
      );
    }
    const consent = await this.storedForJob(firmId, pan);
    if (!consent) {
      this.metrics.session('missing');
      throw new PortalError('consent_required', consentRequiredMessage(pan));
    }
    if (consent.status !== 'ok') {
      throw new PortalError(
        'otp_required',
        `the consent of ${pan} is not in place (${consent.detail ?? ''}); enter the taxpayer's OTP: ` +
          `POST /v1/credentials/itr/${pan}/consent with { "otp": "…" }`,
      );
    }
    if (account.session) return { authToken: account.session.authToken };
    return this.renew(firmId, account.session, signal);
  }

  /** The portal ended the session (idle, replaced): log in again once, shared by concurrent jobs. */
  async renew(
    firmId: string,
    dead: ItrSessionData | null | string,
    signal: AbortSignal,
  ): Promise<ItrSessionHandle> {
    const deadToken = typeof dead === 'string' ? dead : dead?.authToken;
    const row = await this.stored(firmId, ITR_ACCOUNT);
    if (row?.session && row.session.authToken !== deadToken) return { authToken: row.session.authToken };
    if (!row?.secret)
      throw new PortalError('credentials_missing', 'no e-filing intermediary account is stored');
    const secret = row.secret;
    return this.once(firmId, async () => {
      try {
        const token = await this.login(secret, signal);
        this.metrics.session('relogin');
        await this.save(firmId, ITR_ACCOUNT, {
          session: { authToken: token },
          status: 'ok',
          detail: `ERI user ${secret.userId}`,
        });
        return { authToken: token };
      } catch (error) {
        if (error instanceof ItrRefused) {
          await this.save(firmId, ITR_ACCOUNT, {
            session: null,
            status: 'failed',
            detail: error.message,
          });
          throw new PortalError('auth_failed', error.message);
        }
        throw error;
      }
    });
  }

  /** The portal says the PAN's consent is gone: stop calling it until a person renews it. */
  consentLapsed(firmId: string, pan: string): Promise<never> {
    return this.lapse(
      firmId,
      pan,
      { status: 'otp_required', detail: 'the portal has no consent for this PAN' },
      new PortalError(
        'otp_required',
        `the e-filing portal has no consent of ${pan}; request and enter a new OTP`,
      ),
    );
  }

  private async accountSession(
    firmId: string,
    signal: AbortSignal,
    required: boolean,
  ): Promise<ItrSessionHandle | null> {
    const account = await this.stored(firmId, ITR_ACCOUNT);
    if (!account?.secret) return required ? null : { authToken: null };
    if (account.session) return { authToken: account.session.authToken };
    return this.renew(firmId, null, signal);
  }

  private async call(
    firmId: string,
    session: ItrSessionHandle,
    doing: string,
    req: Pick<PortalRequest, 'method' | 'path' | 'body'>,
  ): Promise<void> {
    const attempt = (s: ItrSessionHandle) =>
      this.sessionCall(
        {
          ...req,
          headers: s.authToken ? { authToken: s.authToken } : {},
          what: doing,
          account: firmId,
          onHttpError: (status, body) => {
            const codes = itrErrorCodes(body);
            if (codes.some((c) => c.startsWith('ERI_SESSION')))
              return new PortalError('otp_required', 'session ended');
            if (status >= 400 && status < 500 && status !== 429) {
              return new PortalError(
                'auth_failed',
                `the e-filing portal refused to ${doing} (${codes.join(', ') || `HTTP ${status}`})`,
              );
            }
            return undefined;
          },
        },
        (body) => parseShape(OkSchema, body, doing),
      );
    try {
      await attempt(session);
    } catch (error) {
      if (error instanceof PortalError && error.code === 'otp_required' && session.authToken) {
        await attempt(await this.renew(firmId, session.authToken, AbortSignal.timeout(60_000)));
        return;
      }
      if (error instanceof PortalError && error.code === 'auth_failed') throw new ItrRefused(error.message);
      throw error;
    }
  }

  private async login(secret: ItrAccountSecret, signal?: AbortSignal): Promise<string> {
    const what = 'the e-filing intermediary login';
    try {
      const answer = await this.sessionCall(
        {
          method: 'POST',
          path: '/eri/v1/login',
          body: secret,
          signal,
          what,
          account: secret.userId,
          onHttpError: (status, body) =>
            status === 400 || status === 401 || status === 403
              ? new PortalError(
                  'auth_failed',
                  `the e-filing portal refused the login (${itrErrorCodes(body).join(', ') || `HTTP ${status}`})`,
                )
              : undefined,
        },
        (body) => parseShape(LoginSchema, body, what),
      );
      return answer.data.authToken;
    } catch (error) {
      if (error instanceof PortalError && error.code === 'auth_failed') throw new ItrRefused(error.message);
      throw error;
    }
  }
}
