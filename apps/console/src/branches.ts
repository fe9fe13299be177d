/** Branch sync's shapes (DESIGN.md "Branch sync") and the pure parts of its screen. */

export interface Company {
  id: string;
  name: string;
  role: 'head_office' | 'branch' | string;
  booksUrl: string;
  clientId: string | null;
}

export interface BranchRule {
  id: string;
  class: 'masters' | 'transactions' | string;
  types: string[];
  direction: string;
  fromDate: string | null;
  status: 'proposed' | 'active' | 'rejected' | string;
  reason: string | null;
}

export interface BranchLink {
  id: string;
  clientCompanyId: string;
  serverCompanyId: string;
  mode: 'online' | 'on_demand' | string;
  rules: BranchRule[];
  state: 'online' | 'offline' | 'syncing' | 'failed' | string;
  held: { count: number; oldestAt: string | null };
  lastSyncAt: string | null;
  error: string | null;
  updatedAt: string;
}

export interface ConflictVersion {
  companyId: string;
  alterId: number;
  deleted: boolean;
  fields: Record<string, unknown> | null;
}

export interface BranchConflict {
  id: string;
  linkId: string;
  guid: string;
  type: string;
  class: string;
  status: 'open' | 'resolved' | string;
  client: ConflictVersion;
  server: ConflictVersion;
  detectedAt: string;
  updatedAt: string;
  resolution: string | null;
}

/** The run categories a link's active rules move (`books.masters`, `books.transactions`), in that order. */
export function linkCategories(link: Pick<BranchLink, 'rules'>): string[] {
  const classes = new Set(link.rules.filter((r) => r.status === 'active').map((r) => r.class));
  return ['masters', 'transactions'].filter((c) => classes.has(c)).map((c) => `books.${c}`);
}

/** How long a link may read `syncing` before the screen offers "Restart (if stuck)". */
export const STUCK_AFTER_MS = 10 * 60_000;

/**
 * Restart is offered where the API allows it and a person would want it: a failed or offline link, or one
 * syncing for so long (since its last change) that it may be stuck — not one whose sync just started.
 */
export function mayRestart(link: Pick<BranchLink, 'state' | 'updatedAt'>, now = Date.now()): boolean {
  if (link.state === 'failed' || link.state === 'offline') return true;
  if (link.state !== 'syncing') return false;
  const since = Date.parse(link.updatedAt);
  return Number.isFinite(since) && now - since >= STUCK_AFTER_MS;
}

export interface ConflictRow {
  field: string;
  client: string;
  server: string;
  differs: boolean;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Both versions side by side, field by field (Tally's names), the fields that differ first. */
export function conflictRows(client: ConflictVersion, server: ConflictVersion): ConflictRow[] {
  const c = client.deleted ? {} : (client.fields ?? {});
  const s = server.deleted ? {} : (server.fields ?? {});
  const fields = [...new Set([...Object.keys(c), ...Object.keys(s)])];
  const rows = fields.map((field) => {
    const a = client.deleted ? '(deleted here)' : shown(c[field]);
    const b = server.deleted ? '(deleted here)' : shown(s[field]);
    return { field, client: a, server: b, differs: a !== b };
  });
  return [...rows.filter((r) => r.differs), ...rows.filter((r) => !r.differs)];
}

/** A conflict's object as a person names it: its NAME field, else its type and the end of its GUID. */
export function conflictTitle(conflict: Pick<BranchConflict, 'type' | 'guid' | 'client' | 'server'>): string {
  const name = conflict.server.fields?.['NAME'] ?? conflict.client.fields?.['NAME'];
  const type = conflict.type.charAt(0) + conflict.type.slice(1).toLowerCase();
  return typeof name === 'string' && name ? `${type} “${name}”` : `${type} ${conflict.guid.slice(-8)}`;
}
