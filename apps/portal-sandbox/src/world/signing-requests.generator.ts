import { addDays, isoSeconds, WEEK_MS } from './dates';
import { personName } from './names';
import type { Rng } from './prng';
import { rngFor } from './prng';

export type SigningStatus = 'created' | 'sent' | 'delivered' | 'signed' | 'declined' | 'expired' | 'voided';

export interface SigningRequest {
  id: string;
  taxpayerId: string;
  taxpayerName: string;
  status: SigningStatus;
  sentAt: string | null;
  signedAt: string | null;
  signerIp: string | null;
  authMethod: string;
  certificateId: string | null;
  updatedAt: string;
}

interface Step {
  status: SigningStatus;
  at: Date;
}

/** A request with its whole lifecycle; the clock decides how far along it is. */
export interface SigningTimeline {
  id: string;
  createdAt: Date;
  taxpayer: { id: string; name: string };
  authMethod: string;
  signerIp: string;
  certificateId: string;
  steps: Step[];
}

/** The list shows requests of the last year, at most this many (the most recent). */
export const SIGNING_MAX_LISTED = 20;
const WINDOW_WEEKS = 52;
/** How far back to look for at least one request when the last year was quiet. */
const LOOKBACK_WEEKS = 520;
const EXPIRY_DAYS = 14;

function taxpayers(worldSeed: string, fileId: string): { id: string; name: string }[] {
  const rng = rngFor(worldSeed, 'esign-file', fileId);
  return Array.from({ length: rng.int(1, 4) }, () => ({
    id: `TP-${rng.chars('0123456789', 6)}`,
    name: personName(rng),
  }));
}

function lifecycle(rng: Rng, created: Date): Step[] {
  const steps: Step[] = [{ status: 'created', at: created }];
  if (rng.chance(0.03)) return [...steps, { status: 'voided', at: addDays(created, rng.range(0.1, 2)) }];
  const sent = addDays(created, rng.range(0.01, 2));
  const delivered = new Date(sent.getTime() + rng.int(60, 7200) * 1000);
  steps.push({ status: 'sent', at: sent }, { status: 'delivered', at: delivered });
  const end = rng.weighted({ signed: 72, declined: 8, expired: 15, voided: 5 });
  const at =
    end === 'expired'
      ? addDays(sent, EXPIRY_DAYS)
      : addDays(delivered, end === 'signed' ? rng.range(0.05, 10) : rng.range(0.5, 12));
  steps.push({ status: end, at });
  return steps;
}

interface ClientFile {
  id: string;
  /** Each client file has its own level of activity: roughly 1 to 20 requests a year. */
  weeklyChance: number;
  people: { id: string; name: string }[];
}

function clientFile(worldSeed: string, fileId: string): ClientFile {
  const weeklyChance = rngFor(worldSeed, 'esign-rate', fileId).range(0.01, 0.15);
  return { id: fileId, weeklyChance, people: taxpayers(worldSeed, fileId) };
}

/** Requests created in absolute week `week` (weeks since the Unix epoch): independent of the clock. */
function requestsOfWeek(worldSeed: string, file: ClientFile, week: number): SigningTimeline[] {
  const rng = rngFor(worldSeed, 'esign-week', file.id, week);
  const out: SigningTimeline[] = [];
  for (let slot = 0; slot < 3; slot++) {
    if (!rng.chance(file.weeklyChance)) continue;
    const createdAt = new Date(week * WEEK_MS + Math.floor((rng.next() * WEEK_MS) / 1000) * 1000);
    out.push({
      id: `sr_${week.toString(36)}${slot}${rng.chars('0123456789abcdefghijklmnopqrstuvwxyz', 8)}`,
      createdAt,
      taxpayer: rng.pick(file.people),
      authMethod: rng.weighted({ email_otp: 50, sms_otp: 30, aadhaar_otp: 15, knowledge_based: 5 }),
      signerIp: `${rng.int(49, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      certificateId: `cert_${rng.chars('0123456789abcdef', 16)}`,
      steps: lifecycle(rng, createdAt),
    });
  }
  return out;
}

function project(t: SigningTimeline, now: Date): SigningRequest {
  const reached = t.steps.filter((s) => s.at.getTime() <= now.getTime());
  const latest = reached[reached.length - 1];
  const sent = reached.find((s) => s.status === 'sent');
  const signerActed = latest.status === 'signed' || latest.status === 'declined';
  return {
    id: t.id,
    taxpayerId: t.taxpayer.id,
    taxpayerName: t.taxpayer.name,
    status: latest.status,
    sentAt: sent ? isoSeconds(sent.at) : null,
    signedAt: latest.status === 'signed' ? isoSeconds(latest.at) : null,
    signerIp: signerActed ? t.signerIp : null,
    authMethod: t.authMethod,
    certificateId: latest.status === 'signed' ? t.certificateId : null,
    updatedAt: isoSeconds(latest.at),
  };
}

/** Signing requests of a client file at `now`, oldest first: the last year's, at least one, at most 20. */
export function signingRequests(worldSeed: string, fileId: string, now: Date): SigningRequest[] {
  const nowMs = now.getTime();
  const currentWeek = Math.floor(nowMs / WEEK_MS);
  const file = clientFile(worldSeed, fileId);
  const found: SigningTimeline[] = [];
  for (let week = currentWeek; week > currentWeek - LOOKBACK_WEEKS; week--) {
    const visible = requestsOfWeek(worldSeed, file, week).filter((r) => r.createdAt.getTime() <= nowMs);
    found.push(...visible);
    const pastWindow = week <= currentWeek - WINDOW_WEEKS;
    if (found.length >= SIGNING_MAX_LISTED || (pastWindow && found.length > 0)) break;
  }
  const inWindow = found.filter((r) => nowMs - r.createdAt.getTime() <= WINDOW_WEEKS * WEEK_MS);
  // A quiet file still shows its latest request, however old, so the list is never empty.
  const recent = (inWindow.length > 0 ? inWindow : found)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id))
    .slice(0, inWindow.length > 0 ? SIGNING_MAX_LISTED : 1);
  return recent.reverse().map((t) => project(t, now));
}
