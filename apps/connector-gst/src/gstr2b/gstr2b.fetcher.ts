import type { ConnectorJob, FetchResult, PortalFetcher } from '@practice-sync/connector-kit';
import { parseShape, PortalError } from '@practice-sync/connector-kit';
import { isGstPeriod } from '@practice-sync/contracts';

import type { GstApi } from '../gst-api/gst-api.client';
import { normaliseGstr2b } from './gstr2b.normaliser';
import type { Gstr2bDocument } from './gstr2b.schema';
import { Gstr2bDataSchema } from './gstr2b.schema';

export interface Gstr2bFetcherOptions {
  apiVersion: string;
}

/** A large 2B is a few dozen files at most; anything far beyond that is a broken answer, not data. */
const MAX_FILES = 1000;

type Page =
  | { kind: 'document'; document: Gstr2bDocument }
  | { kind: 'files'; count: number }
  | { kind: 'none' };

/** GSTR-2B for one GSTIN and return period, every `file_num` page of a large one. */
export class Gstr2bFetcher implements PortalFetcher {
  readonly category = 'gst.gstr2b' as const;

  constructor(
    private readonly api: GstApi,
    private readonly options: Gstr2bFetcherOptions,
  ) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const gstin = job.subject.value;
    const rtnprd = job.period;
    if (job.subject.kind !== 'gstin' || !rtnprd || !isGstPeriod(rtnprd)) {
      throw new PortalError(
        'internal',
        `a GSTR-2B job needs a GSTIN and a return period MMYYYY (got ${rtnprd})`,
        {
          retryable: false,
        },
      );
    }
    const first = await this.page(job, signal, undefined);
    if (first.kind === 'none') return { records: [] };
    if (first.kind === 'document') return { records: normaliseGstr2b(gstin, rtnprd, [first.document]) };
    if (first.count > MAX_FILES) {
      throw new PortalError('invalid_response', `GSTR-2B for ${rtnprd} claims ${first.count} files`);
    }
    const documents: Gstr2bDocument[] = [];
    for (let fileNum = 1; fileNum <= first.count; fileNum++) {
      const page = await this.page(job, signal, { fileNum, of: first.count });
      if (page.kind !== 'document') {
        throw new PortalError(
          'invalid_response',
          `GSTR-2B for ${rtnprd} file ${fileNum} of ${first.count} came back without invoices`,
        );
      }
      documents.push(page.document);
    }
    return { records: normaliseGstr2b(gstin, rtnprd, documents) };
  }

  private async page(
    job: ConnectorJob,
    signal: AbortSignal,
    file: { fileNum: number; of: number } | undefined,
  ): Promise<Page> {
    const rtnprd = job.period ?? '';
    const what = `GSTR-2B ${rtnprd}${file ? ` file ${file.fileNum} of ${file.of}` : ''}`;
    const answer = await this.api.read(
      job,
      {
        category: this.category,
        path: `/taxpayerapi/${this.options.apiVersion}/returns/gstr2b`,
        query: { action: 'GET2B', rtnprd, file_num: file?.fileNum },
        retPeriod: rtnprd,
        what,
      },
      signal,
    );
    if (answer.kind === 'no_data') return { kind: 'none' };
    // The answer is this call's own (parsed from the portal's text): decoded in place, the fast way.
    const data = parseShape(Gstr2bDataSchema, answer.data, what, { owned: true });
    if (data.fc !== undefined && !file) return { kind: 'files', count: data.fc };
    if (data.data) return { kind: 'document', document: data.data };
    throw new PortalError('invalid_response', `${what} came back with neither invoices nor a file count`);
  }
}
