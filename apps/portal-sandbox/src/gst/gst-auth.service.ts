import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import { accessWindowHours } from '../world/gst-taxpayer.generator';
import { SandboxClock } from '../world/sandbox-clock';

/** The OTP the sandbox always sends (DESIGN.md). */
export const SANDBOX_OTP = '575757';
/** Token lifetime in minutes, as GSTN answers in `expiry`. */
export const TOKEN_EXPIRY_MINUTES = 360;
const MINUTE_MS = 60_000;

export interface GstSession {
  token: string;
  gstin: string;
  username: string;
  /** The session encryption key; sent to the client encrypted with its app_key. */
  sek: Buffer;
  expiresAtMs: number;
  /** End of the access window the taxpayer enabled: refreshing is refused after it. */
  windowEndsAtMs: number;
}

export type SessionLookup =
  | { kind: 'ok'; session: GstSession }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'window_over' };

/** Why a new session is refused: the GSTIN is locked until `untilMs` (sandbox clock). */
export interface GstLock {
  untilMs: number;
}

/** GST sessions, judged by the sandbox clock so tests can expire them by advancing it. */
@Injectable()
export class GstAuthService {
  private readonly sessions = new Map<string, GstSession>();
  /** GSTINs locked out after one session too many, until the sandbox-clock time. */
  private readonly locks = new Map<string, number>();

  constructor(
    private readonly clock: SandboxClock,
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
  ) {}

  isValidOtp(otp: string | undefined): boolean {
    return otp === SANDBOX_OTP;
  }

  /** The lock on new sessions of the GSTIN, if one is in force. */
  lockOf(gstin: string): GstLock | null {
    const untilMs = this.locks.get(gstin);
    if (untilMs === undefined) return null;
    if (untilMs > this.nowMs()) return { untilMs };
    this.locks.delete(gstin);
    return null;
  }

  /**
   * Whether the GSTIN may open one more session. One beyond SANDBOX_GST_MAX_SESSIONS live ones is refused and
   * locks the GSTIN for SANDBOX_GST_LOCKOUT_MINUTES (as GSTN does: logging out afterwards does not lift it).
   */
  admitSession(gstin: string): GstLock | null {
    const locked = this.lockOf(gstin);
    if (locked) return locked;
    const now = this.nowMs();
    let live = 0;
    for (const s of this.sessions.values()) if (s.gstin === gstin && s.expiresAtMs > now) live++;
    if (live < this.config.SANDBOX_GST_MAX_SESSIONS) return null;
    const untilMs = now + this.config.SANDBOX_GST_LOCKOUT_MINUTES * MINUTE_MS;
    if (untilMs > now) this.locks.set(gstin, untilMs);
    return { untilMs };
  }

  /** A new session after a correct OTP; its access window starts now. */
  open(gstin: string, username: string): GstSession {
    const hours = accessWindowHours(this.config.SANDBOX_WORLD_SEED, gstin);
    return this.issue(gstin, username, this.nowMs() + hours * 60 * MINUTE_MS);
  }

  lookup(token: string | undefined, gstin: string): SessionLookup {
    const session = token ? this.sessions.get(token) : undefined;
    if (!session || session.gstin !== gstin) return { kind: 'unknown' };
    return session.expiresAtMs > this.nowMs() ? { kind: 'ok', session } : { kind: 'expired' };
  }

  /** A new token and SEK for a live session still inside its access window; the old token dies. */
  refresh(token: string | undefined, gstin: string): SessionLookup {
    const found = this.lookup(token, gstin);
    if (found.kind !== 'ok') return found;
    const old = found.session;
    if (this.nowMs() >= old.windowEndsAtMs) return { kind: 'window_over' };
    this.sessions.delete(old.token);
    return { kind: 'ok', session: this.issue(gstin, old.username, old.windowEndsAtMs) };
  }

  logout(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  reset(): void {
    this.sessions.clear();
    this.locks.clear();
  }

  private issue(gstin: string, username: string, windowEndsAtMs: number): GstSession {
    const session: GstSession = {
      token: randomBytes(16).toString('hex'),
      gstin,
      username,
      sek: randomBytes(32),
      expiresAtMs: Math.min(this.nowMs() + TOKEN_EXPIRY_MINUTES * MINUTE_MS, windowEndsAtMs),
      windowEndsAtMs,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  nowMs(): number {
    return this.clock.now().getTime();
  }
}
