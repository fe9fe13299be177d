import { expandCategories } from '@practice-sync/contracts';

import type { ClientIdentifiers } from '../runs/planned-job';
import { MISSING_SUBJECT, planJobs } from './job-planner';

const ids = () => {
  let n = 0;
  return () => `job-${++n}`;
};

const client = (over: Partial<ClientIdentifiers>): ClientIdentifiers => ({
  id: 'c0000000-0000-4000-8000-000000000000',
  pan: null,
  gstins: [],
  esignClientFileId: null,
  ...over,
});

const periods = { gst: '102026', itr: '2027-28' };

describe('planJobs', () => {
  it('creates one GST job per GSTIN, with the run period', () => {
    const jobs = planJobs(
      [client({ id: 'a', name: 'Rao Textiles', gstins: ['27AAACR5055K1Z5', '29AAACR5055K1Z1'] })],
      ['gst.gstr2b'],
      periods,
      ids(),
    );
    expect(jobs).toEqual([
      {
        id: 'job-1',
        clientId: 'a',
        clientName: 'Rao Textiles',
        linkId: null,
        books: null,
        category: 'gst.gstr2b',
        portal: 'gst',
        subject: { kind: 'gstin', value: '27AAACR5055K1Z5' },
        period: '102026',
        skipReason: null,
      },
      expect.objectContaining({ id: 'job-2', subject: { kind: 'gstin', value: '29AAACR5055K1Z1' } }),
    ]);
  });

  it('ignores a GSTIN listed twice', () => {
    const jobs = planJobs(
      [client({ gstins: ['27AAACR5055K1Z5', '27AAACR5055K1Z5'] })],
      ['gst.gstr2b'],
      periods,
      ids(),
    );
    expect(jobs).toHaveLength(1);
  });

  it('runs Income Tax per PAN and e-sign per client file (no period)', () => {
    const jobs = planJobs(
      [client({ pan: 'AAACR5055K', esignClientFileId: 'file-1' })],
      ['itr.returns', 'esign.signature_timestamps'],
      periods,
      ids(),
    );
    expect(jobs.map((j) => [j.category, j.subject, j.period, j.skipReason])).toEqual([
      ['itr.returns', { kind: 'pan', value: 'AAACR5055K' }, '2027-28', null],
      ['esign.signature_timestamps', { kind: 'esignClientFileId', value: 'file-1' }, null, null],
    ]);
  });

  it('skips, per category, a client without the identifier and says what is missing', () => {
    const jobs = planJobs(
      [client({ id: 'b', pan: 'AAACR5055K' })],
      ['gst.gstr2b', 'gst.ims_2a'],
      periods,
      ids(),
    );
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      expect(job.subject).toEqual({ kind: 'gstin', value: MISSING_SUBJECT });
      expect(job.skipReason).toMatch(/client has no GSTIN/);
    }
    const [itr] = planJobs([client({})], ['itr.returns'], periods, ids());
    expect(itr.skipReason).toMatch(/client has no PAN/);
    const [esign] = planJobs([client({})], ['esign.signature_timestamps'], periods, ids());
    expect(esign.skipReason).toMatch(/client has no e-sign client file/);
  });

  it('covers a page × every category of an alias', () => {
    const page = [
      client({ id: 'a', pan: 'AAACR5055K', gstins: ['27AAACR5055K1Z5', '29AAACR5055K1Z1'] }),
      client({ id: 'b', pan: 'AAAPL1234C' }),
    ];
    const jobs = planJobs(page, expandCategories(['gst.all', 'itr.returns']), periods, ids());
    // a: 5 GST categories × 2 GSTINs + 1 ITR; b: 5 skipped GST + 1 ITR.
    expect(jobs).toHaveLength(10 + 1 + 5 + 1);
    expect(jobs.filter((j) => j.skipReason !== null).map((j) => j.clientId)).toEqual([
      'b',
      'b',
      'b',
      'b',
      'b',
    ]);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
  });

  it('plans nothing for an empty page', () => {
    expect(planJobs([], ['gst.gstr2b'], periods, ids())).toEqual([]);
  });
});
