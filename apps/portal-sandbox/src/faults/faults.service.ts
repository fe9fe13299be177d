import type { Socket } from 'node:net';

import type { OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';

import type { Portal } from '../common/portal';
import { PORTALS } from '../common/portal';
import type { FaultPatch, FaultSettings } from './fault-settings';
import { drawLatency, NO_FAULTS } from './fault-settings';

/** Where randomness and real time come from; tests may pin them. */
export const FAULT_RANDOM = Symbol('FAULT_RANDOM');
export type RandomSource = () => number;

const MINUTE_MS = 60_000;

/**
 * Fault settings per portal and the sliding-minute rate limiter. Rate limiting and latency use real time
 * (not the sandbox clock): they are about how fast a connector calls, not about the simulated calendar.
 */
@Injectable()
export class FaultsService implements OnModuleDestroy {
  private settings = new Map<Portal, FaultSettings>();
  private accepted = new Map<Portal, number[]>();
  /** Connections held open by a hanging outage; dropped when it is lifted. */
  private held = new Map<Portal, Set<Socket>>();

  constructor(@Inject(FAULT_RANDOM) private readonly random: RandomSource) {
    this.reset();
  }

  get(portal: Portal): FaultSettings {
    return this.settings.get(portal) ?? { ...NO_FAULTS };
  }

  all(): Record<Portal, FaultSettings> {
    return { gst: this.get('gst'), itr: this.get('itr'), esign: this.get('esign') };
  }

  update(portal: Portal, patch: FaultPatch): FaultSettings {
    const next = { ...this.get(portal), ...patch };
    if (next.rateLimitPerMinute === 0) next.rateLimitPerMinute = null;
    if (patch.rateLimitPerMinute !== undefined) this.accepted.set(portal, []);
    this.settings.set(portal, next);
    if (next.outage !== 'hang') this.release(portal);
    return next;
  }

  /** This request's delay, from the family's latency distribution. */
  latencyFor(portal: Portal): number {
    const { latencyMs, latencyTail } = this.get(portal);
    return drawLatency(portal, latencyMs, this.random(), latencyTail);
  }

  /** Whether this request should fail at random, by the portal's error rate. */
  shouldFail(portal: Portal): boolean {
    const { errorRate } = this.get(portal);
    return errorRate > 0 && this.random() < errorRate;
  }

  /**
   * Admits a request under the portal's rate limit. Returns null when admitted, else the whole seconds to
   * wait until the oldest admitted request leaves the window (at least 1).
   */
  admit(portal: Portal, nowMs = Date.now()): number | null {
    const limit = this.get(portal).rateLimitPerMinute;
    if (limit === null) return null;
    const log = (this.accepted.get(portal) ?? []).filter((t) => t > nowMs - MINUTE_MS);
    this.accepted.set(portal, log);
    if (log.length < limit) {
      log.push(nowMs);
      return null;
    }
    return Math.max(1, Math.ceil((log[0] + MINUTE_MS - nowMs) / 1000));
  }

  /** Holds a connection without answering, as a hung portal does. */
  hold(portal: Portal, socket: Socket): void {
    const sockets = this.held.get(portal) ?? new Set<Socket>();
    this.held.set(portal, sockets);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  }

  /** A hung request never gets its answer: when the outage ends its connection is reset. */
  private release(portal: Portal): void {
    for (const socket of this.held.get(portal) ?? []) socket.destroy();
    this.held.get(portal)?.clear();
  }

  onModuleDestroy(): void {
    for (const portal of PORTALS) this.release(portal);
  }

  reset(): void {
    for (const portal of PORTALS) {
      this.release(portal);
      this.settings.set(portal, { ...NO_FAULTS });
      this.accepted.set(portal, []);
    }
  }
}
