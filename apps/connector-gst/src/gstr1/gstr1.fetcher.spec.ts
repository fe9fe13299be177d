import { fakePortalGstApi, gstJob } from '../gst-api/gst-api.fixtures';
import { gstError, GSTIN, ok, PERIOD } from '../gstr2b/gstr2b.fixtures';
import { Gstr1Fetcher, sectionsListed } from './gstr1.fetcher';

const job = gstJob('gst.gstr1_1a', GSTIN, PERIOD);
const NO_DATA = gstError('RET11416', 'No data found for the provided inputs');

const b2b = (inum: string) => ({
  b2b: [{ ctin: '29AABCT1332L1ZT', cfs: 'Y', inv: [{ inum, idt: '05-03-2025', val: 1180, itms: [] }] }],
});

/** Runs the fetcher against a fake portal answering per form and action; returns the records and calls. */
async function run(answer: (form: string, action: string) => unknown) {
  const { api, urls, breaker } = fakePortalGstApi((url) =>
    answer(url.pathname.split('/').pop() ?? '', url.searchParams.get('action') ?? ''),
  );
  try {
    const fetcher = new Gstr1Fetcher(api, { gstr1Version: 'v4.0', gstr1aVersion: 'v1.0' });
    const result = await fetcher.fetch(job, new AbortController().signal);
    return {
      result,
      calls: urls.map((u) => `${u.pathname.split('/').pop()} ${u.searchParams.get('action')}`),
    };
  } finally {
    breaker.shutdown();
  }
}

describe('sectionsListed', () => {
  it('maps GSTN summary names to read actions and keeps GSTR1_SECTIONS order', () => {
    const summary = {
      sec_sum: [
        { sec_nm: 'DOC_ISSUE', ttl_rec: 1 },
        { sec_nm: 'HSN', ttl_rec: 4 },
        { sec_nm: 'B2B', ttl_rec: 120 },
        { sec_nm: 'TXPD', ttl_rec: 2 },
      ],
    };
    expect(sectionsListed(summary)).toEqual(['B2B', 'TXP', 'HSNSUM', 'DOCISS']);
  });

  it('skips sections the summary counts as empty, reads those without a count, ignores unknown names', () => {
    const summary = {
      sec_sum: [
        { sec_nm: 'B2B', ttl_rec: 0 },
        { sec_nm: 'CDNR' },
        { sec_nm: 'ECOM', ttl_rec: 3 },
        { sec_nm: 'b2cs', ttl_rec: '2' },
      ],
    };
    expect(sectionsListed(summary)).toEqual(['B2CS', 'CDNR']);
  });

  it('reads nothing from a summary without sec_sum', () => {
    expect(sectionsListed({})).toEqual([]);
    expect(sectionsListed(null)).toEqual([]);
  });
});

describe('Gstr1Fetcher', () => {
  it('reads RETSUM first, then only the sections it lists, per form', async () => {
    const { result, calls } = await run((form, action) => {
      if (form === 'gstr1') {
        if (action === 'RETSUM')
          return ok({
            sec_sum: [
              { sec_nm: 'B2B', ttl_rec: 1 },
              { sec_nm: 'HSN', ttl_rec: 1 },
            ],
          });
        if (action === 'B2B') return ok(b2b('S-1'));
        if (action === 'HSNSUM') return ok({ hsn: { data: [{ num: 1, hsn_sc: '7398', txval: 100 }] } });
      }
      return NO_DATA;
    });
    expect(calls).toEqual(['gstr1 RETSUM', 'gstr1 B2B', 'gstr1 HSNSUM', 'gstr1a RETSUM']);
    const sections = result.records.map((r) => r.data['section']).sort();
    expect(sections).toEqual(['B2B', 'HSNSUM', 'RETSUM', 'RETSUM']);
  });

  it('reads a GSTR-1A section its own summary lists', async () => {
    const { result, calls } = await run((form, action) => {
      if (action === 'RETSUM') return ok({ sec_sum: [{ sec_nm: 'B2B', ttl_rec: 1 }] });
      return action === 'B2B' ? ok(b2b(`${form}-1`)) : NO_DATA;
    });
    expect(calls).toEqual(['gstr1 RETSUM', 'gstr1 B2B', 'gstr1a RETSUM', 'gstr1a B2B']);
    expect(result.records.filter((r) => r.data['section'] === 'B2B').map((r) => r.data['inum'])).toEqual([
      'gstr1-1',
      'gstr1a-1',
    ]);
  });

  it('fails the job when a listed section fails, never returning part of a return', async () => {
    const error = await run((_form, action) =>
      action === 'RETSUM' ? ok({ sec_sum: [{ sec_nm: 'B2B', ttl_rec: 5 }] }) : 500,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'portal_unavailable' });
  });
});
