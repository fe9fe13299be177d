/** The console's only way to the server: the same-origin public `/v1` API with the session cookie. */

import { staffReason } from './fixes';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `The server answered ${status}.`);
  }
}

export type Role = 'admin' | 'operator' | 'viewer';

export interface Me {
  kind: 'user' | 'api-key';
  firmId: string;
  firmName: string;
  role: Role;
  userId: string | null;
  email: string | null;
}

export interface Client {
  id: string;
  name: string;
  pan: string | null;
  tan: string | null;
  gstins: string[];
  esignClientFileId: string | null;
  office: string | null;
  tags: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Category {
  id: string;
  portal: string;
  subject: string;
  description: string;
  defaultPeriod: string | null;
}

export interface RunTotals {
  jobs: number;
  pending: number;
  running: number;
  succeeded: number;
  noChange: number;
  failed: number;
  skipped: number;
  cancelled: number;
  noData: number;
  partial: number;
  work: number;
  workFinished: number;
}

export interface SyncRun {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'cancelled';
  /** Null for a run over branch links. */
  clients: Record<string, unknown> | null;
  categories: string[];
  period: Record<string, string> | null;
  totals: RunTotals;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface SyncJob {
  id: string;
  clientId: string;
  clientName: string | null;
  category: string;
  subject: { kind: string; value: string };
  period: string | null;
  outcome: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  retryable: boolean | null;
}

export interface ClientRunSummary {
  clientId: string;
  /** A run over branch links is summarised per link (then there is no client). */
  linkId?: string;
  clientName: string | null;
  counts: Record<string, number>;
  jobs: SyncJob[];
}

/** Called when the server says the session is gone, so the app can show the sign-in page. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

function csrfToken(): string | undefined {
  const match = /(?:^|;\s*)ps_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : undefined;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  opts: { body?: unknown; query?: Record<string, string | number | undefined>; idempotencyKey?: string } = {},
): Promise<T> {
  const url = new URL(`/v1${path}`, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {}))
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = isProblem(parsed) ? parsed : null;
    if (res.status === 401 && path !== '/sessions') onSignedOut();
    throw new ApiError(res.status, problem);
  }
  return parsed as T;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value && 'title' in value;
}

export function mayWrite(role: Role): boolean {
  return role === 'admin' || role === 'operator';
}

export interface Subject {
  kind: 'gstin' | 'pan' | 'esignClientFileId';
  value: string;
}

/** One cell of a client's status grid (`GET /v1/clients/{id}/status`). */
export interface StatusCell {
  category: string;
  subject: Subject;
  period: string | null;
  lastOutcome: string;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  lastRunId: string;
  lastJobId: string;
  lastSuccessAt: string | null;
  updatedAt: string;
}

export interface ClientRecord {
  category: string;
  subject: Subject;
  period: string | null;
  naturalKey: string;
  data: Record<string, unknown> | null;
  version: number;
  firstSeenAt: string;
  lastSeenAt: string;
  removedAt: string | null;
}

export interface ClientChange {
  id: string;
  runId: string;
  category: string;
  subject: Subject;
  period: string | null;
  naturalKey: string;
  change: 'added' | 'updated' | 'removed';
  at: string;
}

export interface Notice {
  id: string;
  client: { id: string; name: string };
  noticeId: string;
  section: string | null;
  description: string | null;
  status: 'open' | 'replied' | 'closed';
  portalStatus: string | null;
  issuedOn: string | null;
  dueDate: string | null;
  source: { portal: string; category: string; subject: Subject };
}

export interface AccessStatus {
  portal: 'gst' | 'itr' | 'esign';
  identifier: string;
  status: 'ok' | 'otp_required' | 'expiring' | 'failed' | 'missing';
  errorCode: string | null;
  detail: string | null;
  clientName: string | null;
  expiresAt: string | null;
  updatedAt: string | null;
}

/** `2026-12-06T08:30:00Z` → a date and time where the person is. */
export function formatInstant(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString('en-IN', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A message for a failed call, in staff words when the server's names an API call. */
export function errorText(e: unknown): string {
  return staffReason(e instanceof Error ? e.message : String(e));
}

/** A person of the firm (`GET /v1/firms/{id}/users`). */
export interface User {
  id: string;
  firmId: string;
  email: string;
  role: Role;
  status: 'invited' | 'active' | 'locked' | 'disabled';
  lastSignInAt: string | null;
  lockedUntil: string | null;
  inviteExpiresAt: string | null;
  createdAt: string;
}

export interface InvitedUser extends User {
  inviteToken: string;
}

/** The link an invited person opens to set their password: the token rides in the hash, never sent to a server. */
export function invitationLink(token: string): string {
  return `${window.location.origin}/#/invitation/${encodeURIComponent(token)}`;
}
