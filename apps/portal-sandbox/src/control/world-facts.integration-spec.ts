import type { RunningSandbox } from '../../test/sandbox-test-app';
import { PLAIN_NO_SESSIONS, startSandbox } from '../../test/sandbox-test-app';

/**
 * The world-facts routes (`/gst/_sandbox/taxpayers/{gstin}?period`, `/itr/_sandbox/taxpayers/{pan}?fy`) tell a
 * test what the portals will answer; here they are checked against what the portals actually answer.
 */
describe('world facts agree with the portals (HTTP)', () => {
  let sandbox: RunningSandbox;
  const json = async <T>(path: string): Promise<T> => (await (await sandbox.get(path)).json()) as T;

  beforeAll(async () => {
    sandbox = await startSandbox({
      ...PLAIN_NO_SESSIONS,
      SANDBOX_START_AT: '2026-06-20T10:00:00Z',
      SANDBOX_ITR_JOB_READY_MS: '0',
    });
  });
  afterAll(() => sandbox.close());

  interface StatementJob {
    jobId: string;
    status: 'queued' | 'done' | 'failed';
    file?: { entries: unknown[] };
  }

  async function download(pan: string, kind: string, financialYear: string): Promise<StatementJob> {
    let job = (
      (await (
        await sandbox.send('POST', '/itr/portal/v1/statements', { pan, kind, financialYear })
      ).json()) as {
        data: StatementJob;
      }
    ).data;
    for (let i = 0; job.status === 'queued' && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      job = (await json<{ data: StatementJob }>(`/itr/portal/v1/statements/${job.jobId}?pan=${pan}`)).data;
    }
    return job;
  }

  it('AIS, TIS and 26AS facts of a PAN match the downloads, failures included', async () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let failures = 0;
    let entries = 0;
    // One statement in twenty fails: 40 PANs × 3 kinds make a failure all but certain (and the seed is fixed).
    for (let n = 0; n < 40; n++) {
      const pan = `AA${letters[n % 26]}P${letters[(n * 7) % 26]}${String(1000 + n)}K`;
      const facts = await json<{ statements: Record<string, { fails: boolean; entries: number }> }>(
        `/itr/_sandbox/taxpayers/${pan}?fy=2025-26`,
      );
      for (const kind of ['AIS', 'TIS', '26AS']) {
        const job = await download(pan, kind, '2025-26');
        const fact = facts.statements[kind];
        expect({ pan, kind, status: job.status }).toEqual({
          pan,
          kind,
          status: fact.fails ? 'failed' : 'done',
        });
        if (fact.fails) failures++;
        else {
          expect(job.file?.entries).toHaveLength(fact.entries);
          entries += fact.entries;
        }
      }
    }
    expect(failures).toBeGreaterThan(0);
    expect(entries).toBeGreaterThan(0);
  });

  it('the GSTR-2B facts of a GSTIN match what GET2B returns, page by page', async () => {
    const gstin = '27AAACR5055K1Z7';
    let seen = 0;
    for (const period of ['032026', '042026']) {
      const facts = await json<{ gstr2b: { generated: boolean; invoices: number } }>(
        `/gst/_sandbox/taxpayers/${gstin}?period=${period}`,
      );
      expect(facts.gstr2b.generated).toBe(true);
      const path = `/gst/taxpayerapi/v4.0/returns/gstr2b?action=GET2B&gstin=${gstin}&rtnprd=${period}`;
      const first = await json<{ data: { fc?: number; data?: { docdata: { b2b: { inv: unknown[] }[] } } } }>(
        path,
      );
      const docs = first.data.fc
        ? await Promise.all(
            Array.from({ length: first.data.fc }, (_, i) =>
              json<{ data: { data: { docdata: { b2b: { inv: unknown[] }[] } } } }>(
                `${path}&file_num=${i + 1}`,
              ),
            ),
          ).then((pages) => pages.map((p) => p.data.data))
        : first.data.data
          ? [first.data.data]
          : [];
      const invoices = docs.reduce((n, d) => n + d.docdata.b2b.reduce((m, s) => m + s.inv.length, 0), 0);
      expect({ period, invoices }).toEqual({ period, invoices: facts.gstr2b.invoices });
      seen += invoices;
    }
    expect(seen).toBeGreaterThan(0);
    // Not generated before the 14th of the month after the period.
    const future = await json<{ gstr2b: { generated: boolean } }>(
      `/gst/_sandbox/taxpayers/${gstin}?period=062026`,
    );
    expect(future.gstr2b.generated).toBe(false);
  });

  it('refuses a bad PAN, financial year or period with a 400 naming the field', async () => {
    for (const [path, field] of [
      ['/itr/_sandbox/taxpayers/AAAXL1234C?fy=2025-26', 'pan'],
      ['/itr/_sandbox/taxpayers/AAAPL1234C?fy=2025-27', 'fy'],
      ['/itr/_sandbox/taxpayers/AAAPL1234C?fy=25-26', 'fy'],
      ['/gst/_sandbox/taxpayers/27AAACR5055K1Z7?period=132026', 'period'],
    ]) {
      const res = await sandbox.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      const body = (await res.json()) as { errors: { field: string }[] };
      expect(body.errors.map((e) => e.field)).toEqual([field]);
    }
  });
});
