import type {
  ConnectorJob,
  FetchResult,
  PortalFetcher,
  PortalHttpClient,
} from '@practice-sync/connector-kit';
import { isPortalError, parseShape, PortalError } from '@practice-sync/connector-kit';
import { z } from 'zod';

import type { EsignAccessService } from '../esign-api/esign-access.service';
import { normaliseSigningRequests, taxpayersOf } from './signature-timestamps.normaliser';
import type { SigningRequest, SigningRequestPage } from './signature-timestamps.schema';
import { SigningRequestPageSchema } from './signature-timestamps.schema';

const PAGE_SIZE = 100;
/** 100 000 signing requests in one client file is far beyond real use; more means a paging loop. */
const MAX_PAGES = 1000;
const FILE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const CertificateSchema = z.object({ certificateId: z.string().min(1) }).passthrough();
export type Certificate = z.infer<typeof CertificateSchema>;

class KeyRefused extends PortalError {}

/** Every signing request of one client file (all pages), with the completion certificate of signed ones. */
export class SignatureTimestampsFetcher implements PortalFetcher {
  readonly category = 'esign.signature_timestamps' as const;

  constructor(
    private readonly http: PortalHttpClient,
    private readonly access?: EsignAccessService,
  ) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const fileId = job.subject.value;
    if (job.subject.kind !== 'esignClientFileId' || !FILE_ID.test(fileId)) {
      throw new PortalError('internal', `an e-sign job needs a client file id (got ${job.subject.kind})`, {
        retryable: false,
      });
    }
    const headers = this.access ? await this.access.headersFor(job.firmId) : {};
    try {
      const requests = await this.requests(job, fileId, headers, signal);
      const certificates = new Map<string, Certificate>();
      for (const r of requests) {
        if (r.status !== 'signed' || !r.certificateId) continue;
        certificates.set(r.id, await this.certificate(job, fileId, r.id, headers, signal));
      }
      return {
        records: normaliseSigningRequests(fileId, requests, certificates),
        taxpayers: taxpayersOf(fileId, requests),
      };
    } catch (error) {
      if (error instanceof KeyRefused && this.access) return this.access.refused(job.firmId, 401);
      throw error;
    }
  }

  private async requests(
    job: ConnectorJob,
    fileId: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<SigningRequest[]> {
    const requests: SigningRequest[] = [];
    let page: number | null = 1;
    let pages = 0;
    while (page !== null) {
      const what: string = `signing requests of client file ${fileId} (page ${page})`;
      const answer: SigningRequestPage = await this.http.request(
        {
          category: this.category,
          path: `/api/v1/client-files/${encodeURIComponent(fileId)}/signing-requests`,
          query: { page, pageSize: PAGE_SIZE },
          headers,
          signal,
          what,
          account: job.firmId,
          onHttpError: refusedKey,
        },
        (body) => parseShape(SigningRequestPageSchema, body, what, { owned: true }),
      );
      requests.push(...answer.items);
      if (answer.nextPage !== null && (answer.nextPage <= page || ++pages >= MAX_PAGES)) {
        throw new PortalError('invalid_response', `the e-sign portal's paging does not end after ${what}`);
      }
      page = answer.nextPage;
    }
    return requests;
  }

  private certificate(
    job: ConnectorJob,
    fileId: string,
    requestId: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Certificate> {
    const what = `the completion certificate of signing request ${requestId}`;
    return this.http
      .request(
        {
          category: this.category,
          path: `/api/v1/client-files/${encodeURIComponent(fileId)}/signing-requests/${encodeURIComponent(requestId)}/certificate`,
          headers,
          signal,
          what,
          account: job.firmId,
          onHttpError: refusedKey,
        },
        (body) => parseShape(CertificateSchema, body, what),
      )
      .catch((error: unknown) => {
        throw isPortalError(error) ? error : new PortalError('internal', String(error));
      });
  }
}

function refusedKey(status: number): PortalError | undefined {
  return status === 401 || status === 403
    ? new KeyRefused('auth_failed', `the e-sign portal refused the API key (HTTP ${status})`)
    : undefined;
}
