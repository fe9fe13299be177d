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
  if (portal === 'itr') return firstString(req.query.pan) ?? panInPath(req) ?? panInBody(req.body);
  const match = ESIGN_FILE.exec(req.originalUrl.split('?')[0]);
  return match ? decodeURIComponent(match[1]) : undefined;
}

const ITR_PAN = /^\/itr\/eri\/v1\/clients\/([^/]+)/;
const panInPath = (req: Request): string | undefined => ITR_PAN.exec(req.originalUrl.split('?')[0])?.[1];

function panInBody(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && 'pan' in body ? firstString(body.pan) : undefined;
}

/** Sandbox-only helpers under a family's prefix (the GSTN public key…) are not part of the portal. */
const SANDBOX_HELPER = /^\/(gst|itr|esign)\/_sandbox\//;

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
    if (!portal || SANDBOX_HELPER.test(req.originalUrl)) return next();
    try {
      this.stats.record(portal, identifierOf(portal, req));
      const settings = this.faults.get(portal);
      if (settings.outage) {
        this.metrics.count(portal, 'outage');
        // No answer at all: a reset connection, or (hang) one held open until the outage is lifted.
        if (settings.outage === 'hang') this.faults.hold(portal, req.socket);
        else req.socket.destroy();
        return;
      }
      const retryAfter = this.faults.admit(portal);
      if (retryAfter !== null) {
        this.metrics.count(portal, 'rate_limited');
        return sendRateLimited(portal, res, retryAfter, req.originalUrl);
      }
      const delay = this.faults.latencyFor(portal);
      if (delay > 0) await sleep(delay);
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
