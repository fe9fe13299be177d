import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import { SANDBOX_OTP } from '../gst/gst-auth.service';
import { SandboxClock } from '../world/sandbox-clock';

export type ItrAccess = 'ok' | 'no_session' | 'expired' | 'no_consent';

/**
 * The e-Return Intermediary's session and its clients' consents. The portal allows one session per
 * intermediary: a new login ends the previous one. It expires after SANDBOX_ITR_IDLE_MINUTES of sandbox
 * time without a request. Consent is per PAN: request an OTP, then confirm it (always 575757).
 */
@Injectable()
export class ItrSessionService {
  private session: { token: string; lastUsedMs: number } | null = null;
  private readonly otpRequested = new Set<string>();
  private readonly consents = new Set<string>();

  constructor(
    private readonly clock: SandboxClock,
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
  ) {}

  login(): { authToken: string; idleMinutes: number } {
    this.session = { token: randomBytes(16).toString('hex'), lastUsedMs: this.nowMs() };
    return { authToken: this.session.token, idleMinutes: this.config.SANDBOX_ITR_IDLE_MINUTES };
  }

  logout(token: string | undefined): void {
    if (token && this.session?.token === token) this.session = null;
  }

  /** Checks the session (and the PAN's consent when given) and, when live, resets its idle timer. */
  access(token: string | undefined, pan?: string): ItrAccess {
    if (!token || !this.session || this.session.token !== token) return 'no_session';
    const idleMs = this.config.SANDBOX_ITR_IDLE_MINUTES * 60_000;
    if (this.nowMs() - this.session.lastUsedMs > idleMs) {
      this.session = null;
      return 'expired';
    }
    this.session.lastUsedMs = this.nowMs();
    return pan !== undefined && !this.consents.has(pan) ? 'no_consent' : 'ok';
  }

  requestConsentOtp(pan: string): void {
    this.otpRequested.add(pan);
  }

  /** 'no_otp' when no OTP was requested for the PAN; 'invalid' for a wrong OTP. */
  confirmConsent(pan: string, otp: string | undefined): 'ok' | 'no_otp' | 'invalid' {
    if (!this.otpRequested.has(pan)) return 'no_otp';
    if (otp !== SANDBOX_OTP) return 'invalid';
    this.otpRequested.delete(pan);
    this.consents.add(pan);
    return 'ok';
  }

  reset(): void {
    this.session = null;
    this.otpRequested.clear();
    this.consents.clear();
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }
}
