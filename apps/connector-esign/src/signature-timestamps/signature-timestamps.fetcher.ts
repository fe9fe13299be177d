import type {
  ConnectorJob,
  FetchResult,
  PortalFetcher,
  PortalHttpClient,
} from '@practice-sync/connector-kit';
import { parseShape, PortalError } from '@practice-sync/connector-kit';

import { normaliseSigningRequests } from './signature-timestamps.normaliser';
import type { SigningRequest, SigningRequestPage } from './signature-timestamps.schema';
import { SigningRequestPageSchema } from './signature-timestamps.schema';

const PAGE_SIZE = 100;
/** 100 000 signing requests in one client file is far beyond real use; more means a paging loop. */
const MAX_PAGES = 1000;
const FILE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Every signing request of one client file, all pages. */
export class SignatureTimestampsFetcher implements PortalFetcher {
  readonly category = 'esign.signature_timestamps' as const;

  constructor(private readonly http: PortalHttpClient) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const fileId = job.subject.value;
    if (job.subject.kind !== 'esignClientFileId' || !FILE_ID.test(fileId)) {
      throw new PortalError('internal', `an e-sign job needs a client file id (got ${job.subject.kind})`, {
        retryable: false,
      });
    }
    const requests: SigningRequest[] = [];
    let page: number | null = 1;
    let pages = 0;
    while (page !== null) {
      const what: string = `signing requests of client file ${fileId} (page ${page})`;
      const answer: SigningRequestPage = await this.http.getJson(
        {
          category: this.category,
          path: `/api/v1/client-files/${encodeURIComponent(fileId)}/signing-requests`,
          query: { page, pageSize: PAGE_SIZE },
          signal,
          what,
        },
        (body) => parseShape(SigningRequestPageSchema, body, what),
      );
      requests.push(...answer.items);
      if (answer.nextPage !== null && (answer.nextPage <= page || ++pages >= MAX_PAGES)) {
        throw new PortalError('invalid_response', `the e-sign portal's paging does not end after ${what}`);
      }
      page = answer.nextPage;
    }
    return { records: normaliseSigningRequests(fileId, requests) };
  }
}
