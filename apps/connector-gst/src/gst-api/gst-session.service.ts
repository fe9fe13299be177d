import { randomBytes } from 'node:crypto';

import type {
  AccessRecord,
  AccessStatus,
  AccessStore,
  ConnectorMetrics,
  PortalHttpClient,
} from '@practice-sync/connector-kit';
import { parseShape, PortalError, PortalSessionClient } from '@practice-sync/connector-kit';
import { z } from 'zod';

import { aesDecryptB64, aesEncryptB64, rsaEncryptB64 } from './gst-crypto';

export interface GstSecret {
  username: string;
}

export interface GstSessionData {
  authToken: string;
  /** The session key (base64), needed to open sealed reads and to refresh. */
  sek: string;
}

/** What a read needs: headers and the key to open a sealed answer. Null session = portal without sessions. */
export interface GstSessionHandle {
  username: string | null;
  authToken: string | null;
  sek: Buffer | null;
}

export interface GstSessionOptions {
  authVersion: string;
  encryption: boolean;
  /** PEM of the GSTN public key; without it, fetched from `publicKeyPath` (the sandbox serves one). */
  publicKeyPem?: string;
  publicKeyPath: string;
  requireCredentials: boolean;
  refreshMarginMs: number;
}

const AuthAnswerSchema = z
  .object({
    status_cd: z.union([z.string(), z.number()]).transform(String),
    auth_token: z.string().optional(),
    expiry: z.coerce.number().optional(),
    sek: z.string().optional(),
    error: z.object({ error_cd: z.string(), message: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
type AuthAnswer = z.infer<typeof AuthAnswerSchema>;

const PublicKeySchema = z.object({ publicKey: z.string().min(1) }).passthrough();

/** GSTN's answer to one session too many: the GSTIN is locked for new sessions for some hours. */
const LOCKED_OUT = 'AUTH403';

/**
 * What a person reads when the portal has locked a GSTIN: for how long (from the portal's message when it
 * says so) and what to do. Shown by the credential endpoints, the credentials view and each job's error.
 */
export function lockOutMessage(gstin: string, portalMessage: string | undefined, now: Date): string {
  const until = /until (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))/.exec(
    portalMessage ?? '',
  )?.[1];
  const at = until ? new Date(until) : null;
  // The portal's own "(n minutes)" is preferred: its clock may not be ours.
  const minutes = /\((\d+) minutes?\)/.exec(portalMessage ?? '')?.[1];
  const left = minutes !== undefined ? Number(minutes) * 60_000 : at ? at.getTime() - now.getTime() : null;
  const when =
    at && !Number.isNaN(at.getTime()) && left !== null
      ? `until ${at.toISOString()} (a lock of about ${duration(left)})`
      : left !== null
        ? `for about ${duration(left)} from ${now.toISOString()}`
        : 'for some hours (the portal did not say how long)';
  return (
    `the GST portal has locked API access for ${gstin} ${when}, because too many sessions were opened for it ` +
    `(AUTH403). No OTP can be requested or used until then and its syncs fail; after that time, enter the ` +
    `username (PUT /v1/credentials/gst/${gstin}) and the OTP (POST /v1/credentials/gst/${gstin}/otp) once`
  );
}

function duration(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** The portal refused an OTP or a login (shown to the person who typed it). */
export class GstAuthRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The GST OTP session per (firm, GSTIN): OTPREQUEST when the username is stored, AUTHTOKEN with the OTP a
 * person types, REFRESHTOKEN before expiry (and once when a read finds the token dead), and `otp_required`
 * once the session cannot be refreshed. Token and SEK are stored encrypted (AccessStore); nothing here logs
 * them or puts them in a message.
 */
export class GstSessionService extends PortalSessionClient<GstSecret, GstSessionData> {
  constructor(
    http: PortalHttpClient,
    access: AccessStore,
    metrics: ConnectorMetrics,
    private readonly options: GstSessionOptions,
  ) {
    super(http, access, metrics, {
      portal: 'gst',
      requireCredentials: options.requireCredentials,
    });
  }

  /**
   * PUT credentials: stores the username and asks the portal to send the taxpayer an OTP. A session stored
   * for the GSTIN is logged out first: GSTN allows few live sessions per GSTIN and locks it for hours past
   * them, so a session is never dropped without closing it.
   */
  async register(firmId: string, gstin: string, username: string): Promise<AccessStatus> {
    const row = await this.stored(firmId, gstin);
    await this.logout(gstin, row?.session ?? null);
    const appKey = randomBytes(32);
    const answer = await this.auth(gstin, {
      action: 'OTPREQUEST',
      username,
      app_key: await this.sealAppKey(appKey),
    });
    await this.refuseUnlessOk(firmId, gstin, answer, 'requesting an OTP');
    return this.save(firmId, gstin, {
      secret: { username },
      session: null,
      status: 'otp_required',
      detail: 'an OTP was sent to the taxpayer; submit it to open the session',
      expiresAt: null,
    });
  }

  /** POST otp: opens the session with the OTP the taxpayer received, closing the one it replaces first. */
  async submitOtp(firmId: string, gstin: string, otp: string): Promise<AccessStatus | null> {
    const row = await this.stored(firmId, gstin);
    if (!row?.secret) return null;
    if (row.session) {
      await this.logout(gstin, row.session);
      await this.save(firmId, gstin, {
        session: null,
        status: 'otp_required',
        detail: 'the previous session was logged out to open a new one with the OTP',
        expiresAt: null,
      });
    }
    const appKey = randomBytes(32);
    const answer = await this.auth(gstin, {
      action: 'AUTHTOKEN',
      username: row.secret.username,
      app_key: await this.sealAppKey(appKey),
      otp: this.options.encryption ? aesEncryptB64(appKey, Buffer.from(otp, 'utf8')) : otp,
    });
    if (answer.status_cd !== '1' && answer.error?.error_cd !== LOCKED_OUT) {
      await this.save(firmId, gstin, {
        status: 'otp_required',
        detail: `the portal refused the OTP (${answer.error?.error_cd ?? 'no code'}); request a new one`,
      });
    }
    await this.refuseUnlessOk(firmId, gstin, answer, 'opening the session');
    this.metrics.session('opened');
    return this.store(firmId, gstin, answer, appKey);
  }

  /**
   * The session for a job. Throws credentials_missing (nothing stored, when required) or otp_required
   * (lapsed: a person must act) WITHOUT calling the portal; refreshes a session close to expiry.
   */
  async sessionFor(firmId: string, gstin: string, signal: AbortSignal): Promise<GstSessionHandle> {
    const row = await this.storedForJob(firmId, gstin);
    if (!row) {
      this.accessMissing(
        `no GST portal access is stored for ${gstin}: PUT /v1/credentials/gst/${gstin} with the portal ` +
          `username, then POST /v1/credentials/gst/${gstin}/otp with the OTP the portal sends`,
      );
      return { username: null, authToken: null, sek: null };
    }
    if (row.status === 'failed' && row.detail) {
      // Locked out by the portal: a person must wait and then enter an OTP; retrying sooner cannot help.
      throw new PortalError('auth_failed', row.detail, { retryable: false });
    }
    if (row.status !== 'ok' || !row.session || !row.secret) {
      throw new PortalError(
        'otp_required',
        `the GST session for ${gstin} has lapsed; enter a new OTP (${row.detail ?? 'no session'})`,
      );
    }
    if (row.expiresAt && row.expiresAt.getTime() - Date.now() < this.options.refreshMarginMs) {
      return this.refresh(firmId, gstin, row.session.authToken, signal);
    }
    return handleOf(row);
  }

  /**
   * A read found the token dead (AUTH4033/AUTH4038). Another worker may have refreshed it already: use the
   * stored one if it differs; else refresh once; if that fails too, the session has lapsed.
   */
  async recover(
    firmId: string,
    gstin: string,
    deadToken: string,
    signal: AbortSignal,
  ): Promise<GstSessionHandle> {
    const row = await this.stored(firmId, gstin);
    if (row?.status === 'ok' && row.session && row.secret && row.session.authToken !== deadToken) {
      return handleOf(row);
    }
    return this.refresh(firmId, gstin, deadToken, signal);
  }

  /** Refreshes sessions that expire soon (called periodically so idle GSTINs stay open). */
  async refreshExpiring(firmId: string, gstin: string, signal: AbortSignal): Promise<void> {
    await this.sessionFor(firmId, gstin, signal);
  }

  private refresh(
    firmId: string,
    gstin: string,
    token: string,
    signal: AbortSignal,
  ): Promise<GstSessionHandle> {
    return this.once(`${firmId}|${gstin}`, () => this.doRefresh(firmId, gstin, token, signal));
  }

  private async doRefresh(
    firmId: string,
    gstin: string,
    token: string,
    signal: AbortSignal,
  ): Promise<GstSessionHandle> {
    const row = await this.stored(firmId, gstin);
    if (!row?.secret || !row.session) return this.lapsed(firmId, gstin, 'no session to refresh');
    const appKey = randomBytes(32);
    const sek = Buffer.from(row.session.sek, 'base64');
    const answer = await this.auth(
      gstin,
      {
        action: 'REFRESHTOKEN',
        username: row.secret.username,
        auth_token: token,
        app_key: this.options.encryption ? aesEncryptB64(sek, appKey) : undefined,
      },
      signal,
    );
    if (answer.status_cd !== '1') {
      // Another replica may have refreshed this very token a moment ago (the portal then refuses the old one):
      // its new session is stored, and lapsing now would throw a working session away.
      const now = await this.stored(firmId, gstin);
      if (now?.status === 'ok' && now.session && now.session.authToken !== token) return handleOf(now);
      const code = answer.error?.error_cd ?? 'no code';
      return this.lapsed(firmId, gstin, `the session could not be refreshed (${code})`);
    }
    this.metrics.session('refreshed');
    await this.store(firmId, gstin, answer, appKey);
    const fresh = await this.stored(firmId, gstin);
    return fresh ? handleOf(fresh) : this.lapsed(firmId, gstin, 'session vanished');
  }

  /** Marks the GSTIN otp_required: no portal call for it until a person submits an OTP. */
  private lapsed(firmId: string, gstin: string, why: string): Promise<never> {
    return this.lapse(
      firmId,
      gstin,
      { session: null, status: 'otp_required', detail: `${why}; enter a new OTP`, expiresAt: null },
      new PortalError('otp_required', `the GST session for ${gstin} has lapsed (${why}); enter a new OTP`),
    );
  }

  private async store(
    firmId: string,
    gstin: string,
    answer: AuthAnswer,
    appKey: Buffer,
  ): Promise<AccessStatus> {
    if (!answer.auth_token || !answer.sek) {
      throw new PortalError('invalid_response', 'the GST portal opened a session without a token or key');
    }
    const sek = this.options.encryption
      ? aesDecryptB64(appKey, answer.sek)
      : Buffer.from(answer.sek, 'base64');
    const minutes = answer.expiry ?? 360;
    return this.save(firmId, gstin, {
      session: { authToken: answer.auth_token, sek: sek.toString('base64') },
      status: 'ok',
      detail: null,
      expiresAt: new Date(Date.now() + minutes * 60_000),
    });
  }

  private async refuseUnlessOk(
    firmId: string,
    gstin: string,
    answer: AuthAnswer,
    doing: string,
  ): Promise<void> {
    if (answer.status_cd === '1') return;
    const code = answer.error?.error_cd ?? 'no code';
    if (code === LOCKED_OUT) {
      const detail = lockOutMessage(gstin, answer.error?.message, new Date());
      this.metrics.session('locked');
      await this.save(firmId, gstin, {
        session: null,
        status: 'failed',
        detail,
        expiresAt: null,
      });
      throw new GstAuthRefused(code, detail);
    }
    throw new GstAuthRefused(
      code,
      `the GST portal refused ${doing} (${code}${answer.error?.message ? `: ${answer.error.message}` : ''})`,
    );
  }

  /** LOGOUT of a session being replaced; best effort (a session that cannot be closed expires on its own). */
  private async logout(gstin: string, session: GstSessionData | null): Promise<void> {
    if (!session) return;
    try {
      const answer = await this.auth(gstin, { action: 'LOGOUT', auth_token: session.authToken });
      if (answer.status_cd === '1') this.metrics.session('closed');
    } catch {
      // The portal is unreachable: the new login will tell whether it matters.
    }
  }

  private async auth(
    gstin: string,
    body: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<AuthAnswer> {
    const what = `GST ${String(body['action']).toLowerCase()}`;
    return this.sessionCall(
      {
        method: 'POST',
        path: `/taxpayerapi/${this.options.authVersion}/authenticate`,
        headers: { gstin, 'state-cd': gstin.slice(0, 2) },
        body,
        signal,
        what,
        account: gstin,
      },
      (answer) => parseShape(AuthAnswerSchema, answer, what),
    );
  }

  private async sealAppKey(appKey: Buffer): Promise<string | undefined> {
    if (!this.options.encryption) return undefined;
    return rsaEncryptB64(await this.publicKey(), appKey);
  }

  private async publicKey(): Promise<string> {
    if (this.options.publicKeyPem) return this.options.publicKeyPem;
    // The sandbox makes a new key pair at every start, so it is read each time (logins are rare).
    const what = 'the GST public key';
    const answer = await this.sessionCall(
      {
        path: this.options.publicKeyPath,
        what,
        account: 'public-key',
      },
      (body) => parseShape(PublicKeySchema, body, what),
    );
    return answer.publicKey;
  }
}

function handleOf(row: AccessRecord<GstSecret, GstSessionData>): GstSessionHandle {
  return {
    username: row.secret?.username ?? null,
    authToken: row.session?.authToken ?? null,
    sek: row.session ? Buffer.from(row.session.sek, 'base64') : null,
  };
}
