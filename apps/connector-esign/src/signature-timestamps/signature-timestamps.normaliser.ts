import type { FetchedTaxpayer, NormalisedRecord } from '@practice-sync/connector-kit';
import { toRecord } from '@practice-sync/connector-kit';

import type { SigningRequest } from './signature-timestamps.schema';

/** The completion certificate fields kept with a signed request (what is filed must match it). */
export interface CertificateFields {
  certificateId: string;
  [field: string]: unknown;
}

/**
 * One record per signing request of the client file, keyed `fileId|requestId`, with its completion
 * certificate when signed.
 */
export function normaliseSigningRequests(
  fileId: string,
  requests: readonly SigningRequest[],
  certificates: ReadonlyMap<string, CertificateFields> = new Map(),
): NormalisedRecord[] {
  const byKey = new Map<string, NormalisedRecord>();
  for (const request of requests) {
    const naturalKey = `${fileId}|${request.id}`;
    byKey.set(
      naturalKey,
      toRecord(naturalKey, {
        fileId,
        requestId: request.id,
        taxpayerId: request.taxpayerId ?? null,
        taxpayerName: request.taxpayerName ?? null,
        status: request.status,
        sentAt: request.sentAt ?? null,
        signedAt: request.signedAt ?? null,
        signerIp: request.signerIp ?? null,
        authMethod: request.authMethod ?? null,
        certificateId: request.certificateId ?? null,
        updatedAt: request.updatedAt ?? null,
        certificate: certificateOf(certificates.get(request.id)),
      }),
    );
  }
  return [...byKey.values()];
}

function certificateOf(c: CertificateFields | undefined): Record<string, unknown> | null {
  if (!c) return null;
  return {
    certificateId: c.certificateId,
    signedAt: c['signedAt'] ?? null,
    signerIp: c['signerIp'] ?? null,
    authMethod: c['authMethod'] ?? null,
    documentSha256: c['documentSha256'] ?? null,
    issuedAt: c['issuedAt'] ?? null,
  };
}

const at = (iso: string | null | undefined): string => (iso ? ` on ${iso}` : '');

/** Why a taxpayer whose latest signing request is not signed has no timestamps to import, and what to do. */
function unsuccessfulReason(r: SigningRequest): string | null {
  switch (r.status) {
    case 'signed':
      return null;
    case 'declined':
      return `the taxpayer declined to sign${at(r.updatedAt)}; send a new signing request`;
    case 'expired':
      return `the signing request expired unsigned${at(r.updatedAt)}; send a new signing request`;
    case 'voided':
      return `the signing request was voided${at(r.updatedAt)}; send a new one if a signature is still needed`;
    default:
      return `not signed yet: the signing request is ${r.status}${at(r.sentAt)}; awaiting the taxpayer's signature`;
  }
}

/**
 * Each taxpayer of the client file, judged by their latest signing request: signed is complete (its timestamps
 * are imported); declined, expired, voided or still waiting is unsuccessful with the reason. Requests come
 * oldest first (by creation); a request without a taxpayer stands for itself.
 */
export function taxpayersOf(fileId: string, requests: readonly SigningRequest[]): FetchedTaxpayer[] {
  const byTaxpayer = new Map<string, { name: string | null; keys: string[]; latest: SigningRequest }>();
  for (const r of requests) {
    const id = r.taxpayerId || `request ${r.id}`;
    const key = `${fileId}|${r.id}`;
    const seen = byTaxpayer.get(id);
    if (!seen) {
      byTaxpayer.set(id, { name: r.taxpayerName ?? null, keys: [key], latest: r });
      continue;
    }
    seen.keys.push(key);
    // The portal lists requests oldest first: a newer request supersedes the taxpayer's older ones, even
    // when an older one changed later (e.g. expired after the new one was signed).
    seen.latest = r;
    seen.name = seen.name ?? r.taxpayerName ?? null;
  }
  return [...byTaxpayer].map(([id, t]) => ({
    id,
    name: t.name,
    recordKeys: t.keys,
    unsuccessful: unsuccessfulReason(t.latest),
  }));
}
