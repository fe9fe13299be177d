import type { NormalisedRecord } from '@practice-sync/connector-kit';
import { toRecord } from '@practice-sync/connector-kit';

import type { SigningRequest } from './signature-timestamps.schema';

/** One record per signing request of the client file, keyed `fileId|requestId`. */
export function normaliseSigningRequests(
  fileId: string,
  requests: readonly SigningRequest[],
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
      }),
    );
  }
  return [...byKey.values()];
}
