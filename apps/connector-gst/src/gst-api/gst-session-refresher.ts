import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AccessStore } from '@practice-sync/connector-kit';
import type { Logger } from 'pino';

import type { GstSessionService } from './gst-session.service';

/**
 * Refreshes GST sessions before they expire even when no job uses them (a session that lapses needs a person
 * and a new OTP). Jobs refresh on use too; this covers GSTINs synced less often than the token lives.
 */
export class GstSessionRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly access: AccessStore,
    private readonly sessions: GstSessionService,
    private readonly logger: Logger,
    private readonly marginMs: number,
    private readonly intervalMs = 60_000,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const { firmId, identifier } of await this.access.expiring('gst', this.marginMs)) {
        await this.sessions
          .refreshExpiring(firmId, identifier, AbortSignal.timeout(60_000))
          // The GSTIN is marked otp_required by the session service; nothing else to do here.
          .catch((error: unknown) =>
            this.logger.warn({ firmId, gstin: identifier, err: error }, 'GST session refresh failed'),
          );
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'listing expiring GST sessions failed');
    } finally {
      this.running = false;
    }
  }
}
