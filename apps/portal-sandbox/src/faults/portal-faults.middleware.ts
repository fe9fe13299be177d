import type { NestMiddleware } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import type { Portal } from '../common/portal';
import { firstString, isPortal } from '../common/portal';
import { sendInjectedError, sendRateLimited } from '../common/portal-errors';
import { FaultsService } from './faults.service';
import { SandboxMetrics } from './sandbox-metrics';
import { StatsService } from './stats.service';

const ESIGN_FILE = /^\/esign\/api\/v1\/client-files\/([^/]+)/;

/** The portal family a URL belongs to, from its first path segment. */
export function portalOf(url: string): Portal | undefined {
  const segment = url.split('?')[0].split('/')[1] ?? '';
  return isPortal(segment) ? segment : undefined;
}

/** The identifier a request is about, for per-identifier stats (GSTIN, PAN or client file id). */
export function identifierOf(portal: Portal, req: Request): string | undefined {
  if (portal === 'gst') return firstString(req.query.gstin) ?? firstString(req.headers.gstin);
  if (portal === 'itr') return firstString(req.query.pan);
  const match = ESIGN_FILE.exec(req.originalUrl.split('?')[0]);
  return match ? decodeURIComponent(match[1]) : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one place faults are applied to the three portal families, in the order a real outage is felt:
 * count the request, drop it during an outage, throttle it, delay it, fail it at random, else serve it.
 */
@Injectable()
export class PortalFaultsMiddleware implements NestMiddleware {
  constructor(
    private readonly faults: FaultsService,
    private readonly stats: StatsService,
    private readonly metrics: SandboxMetrics,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const portal = portalOf(req.originalUrl);
    if (!portal) return next();
    try {
      this.stats.record(portal, identifierOf(portal, req));
      const settings = this.faults.get(portal);
      if (settings.outage) {
        this.metrics.count(portal, 'outage');
        // No answer at all: the client sees a reset connection, as when the portal is down.
        req.socket.destroy();
        return;
      }
      const retryAfter = this.faults.admit(portal);
      if (retryAfter !== null) {
        this.metrics.count(portal, 'rate_limited');
        return sendRateLimited(portal, res, retryAfter, req.originalUrl);
      }
      if (settings.latencyMs > 0) await sleep(settings.latencyMs);
      if (this.faults.shouldFail(portal)) {
        this.metrics.count(portal, 'injected_error');
        return sendInjectedError(portal, res, req.originalUrl);
      }
      res.on('finish', () => {
        const status = res.statusCode;
        this.metrics.count(portal, status < 400 ? 'ok' : status < 500 ? 'client_error' : 'server_error');
      });
      next();
    } catch (error: unknown) {
      next(error);
    }
  }
}
