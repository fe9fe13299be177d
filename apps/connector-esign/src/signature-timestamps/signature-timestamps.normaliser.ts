import type { NormalisedRecord } from '@practice-sync/connector-kit';
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
