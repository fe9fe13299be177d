import type { PortalError } from '@practice-sync/connector-kit';

import { fakePortalGstApi, gstJob } from '../gst-api/gst-api.fixtures';
import { Gstr2bFetcher } from './gstr2b.fetcher';
import { document2b, gstError, GSTIN, invoice, ok, PERIOD } from './gstr2b.fixtures';

const job = gstJob('gst.gstr2b', GSTIN, PERIOD);

/** A fake portal answering by `file_num`, recording the URLs it was asked for. */
function fetcherFor(answer: (fileNum: string | null) => unknown) {
  const { api, urls, breaker } = fakePortalGstApi((url) => answer(url.searchParams.get('file_num')));
  return { fetcher: new Gstr2bFetcher(api, { apiVersion: 'v4.0' }), urls, breaker };
}

const run = async (answer: (fileNum: string | null) => unknown) => {
  const { fetcher, urls, breaker } = fetcherFor(answer);
  try {
    return { result: await fetcher.fetch(job, new AbortController().signal), urls };
  } finally {
    breaker.shutdown();
  }
};

describe('Gstr2bFetcher', () => {
  it('fetches a small 2B in one call', async () => {
    const { result, urls } = await run(() =>
      ok({ data: document2b([{ ctin: '29AABCT1332L1ZT', invoices: [invoice('A'), invoice('B')] }]) }),
    );
    expect(result.records).toHaveLength(2);
    expect(urls[0].pathname).toBe('/gst/taxpayerapi/v4.0/returns/gstr2b');
    expect(Object.fromEntries(urls[0].searchParams)).toEqual({
      action: 'GET2B',
      gstin: GSTIN,
      rtnprd: PERIOD,
    });
  });

  it('pages a large 2B through file_num=1..fc', async () => {
    const { result, urls } = await run((fileNum) =>
      fileNum === null
        ? ok({ fc: 3 })
        : ok({ data: document2b([{ ctin: '29AABCT1332L1ZT', invoices: [invoice(`INV-${fileNum}`)] }]) }),
    );
    expect(urls.map((u) => u.searchParams.get('file_num'))).toEqual([null, '1', '2', '3']);
    expect(result.records.map((r) => r.data.inum)).toEqual(['INV-1', 'INV-2', 'INV-3']);
  });

  it('reads RET2B1016 as zero records', async () => {
    const { result } = await run(() => gstError('RET2B1016', 'No document found'));
    expect(result.records).toEqual([]);
  });

  it('fails not_generated_yet (not retryable) on RET2B1023', async () => {
    const error = (await run(() => gstError('RET2B1023')).catch((e: unknown) => e)) as PortalError;
    expect(error).toMatchObject({ code: 'not_generated_yet', retryable: false });
  });

  it('fails the whole job when one page fails, never returning a partial 2B', async () => {
    const error = (await run((fileNum) =>
      fileNum === null ? ok({ fc: 2 }) : fileNum === '2' ? 500 : ok({ data: document2b([]) }),
    ).catch((e: unknown) => e)) as PortalError;
    expect(error).toMatchObject({ code: 'portal_unavailable', retryable: true });
  });

  it('fails portal_unavailable on RET12501', async () => {
    const error = (await run(() => gstError('RET12501', 'System Failure')).catch(
      (e: unknown) => e,
    )) as PortalError;
    expect(error.code).toBe('portal_unavailable');
  });
});
