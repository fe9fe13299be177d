import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { SandboxClock } from '../world/sandbox-clock';

/** The OTP the sandbox always sends (DESIGN.md). */
export const SANDBOX_OTP = '575757';
/** Token lifetime in minutes, as GSTN answers in `expiry`. */
export const TOKEN_EXPIRY_MINUTES = 360;

interface Session {
  gstin: string;
  username: string;
  expiresAtMs: number;
}

export interface TokenGrant {
  auth_token: string;
  expiry: number;
  sek: string;
}

/**
 * GST sessions. Reads do not require a session yet (a later issue enforces them and adds the encryption
 * envelope); the `sek` is random bytes standing in for the encrypted session key.
 */
@Injectable()
export class GstAuthService {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly clock: SandboxClock) {}

  isValidOtp(otp: string | undefined): boolean {
    return otp === SANDBOX_OTP;
  }

  grant(gstin: string, username: string): TokenGrant {
    const token = randomBytes(16).toString('hex');
    const expiresAtMs = this.clock.now().getTime() + TOKEN_EXPIRY_MINUTES * 60_000;
    this.sessions.set(token, { gstin, username, expiresAtMs });
    return { auth_token: token, expiry: TOKEN_EXPIRY_MINUTES, sek: randomBytes(32).toString('base64') };
  }

  /** A live session for this token and GSTIN, judged by the sandbox clock. */
  find(token: string | undefined, gstin: string): Session | undefined {
    const session = token ? this.sessions.get(token) : undefined;
    if (!session || session.gstin !== gstin) return undefined;
    return session.expiresAtMs > this.clock.now().getTime() ? session : undefined;
  }

  refresh(token: string, gstin: string): TokenGrant | undefined {
    const session = this.find(token, gstin);
    if (!session) return undefined;
    this.sessions.delete(token);
    return this.grant(gstin, session.username);
  }

  logout(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  reset(): void {
    this.sessions.clear();
  }
}
