import { Injectable } from '@nestjs/common';

import type { Portal } from '../common/portal';
import { PORTALS } from '../common/portal';

export interface PortalStats {
  requests: number;
  byIdentifier: Record<string, number>;
}

export interface SandboxStats {
  portals: Record<Portal, PortalStats>;
}

/** Counts every request that reaches a portal family, failed or not, per portal and per identifier. */
@Injectable()
export class StatsService {
  private counts = new Map<Portal, { requests: number; byIdentifier: Map<string, number> }>();

  constructor() {
    this.reset();
  }

  record(portal: Portal, identifier: string | undefined): void {
    const entry = this.counts.get(portal);
    if (!entry) return;
    entry.requests += 1;
    if (identifier) entry.byIdentifier.set(identifier, (entry.byIdentifier.get(identifier) ?? 0) + 1);
  }

  snapshot(): SandboxStats {
    const portals = {} as Record<Portal, PortalStats>;
    for (const portal of PORTALS) {
      const entry = this.counts.get(portal);
      portals[portal] = {
        requests: entry?.requests ?? 0,
        byIdentifier: Object.fromEntries([...(entry?.byIdentifier ?? new Map<string, number>())].sort()),
      };
    }
    return { portals };
  }

  reset(): void {
    for (const portal of PORTALS) this.counts.set(portal, { requests: 0, byIdentifier: new Map() });
  }
}
