/**
 * Throughput of client-master's records store: `applyRecords` as the records consumer calls it, one chunk per
 * transaction, against a real database (client-master's migrations are applied first; the firm and client are
 * new on every call and deleted afterwards, which cascades to their records and change feed).
 */
import { performance } from 'node:perf_hooks';

import type { ClientRecordsChanged, RecordChange } from '@practice-sync/contracts';
import { createServiceDataSource, runServiceMigrations } from '@practice-sync/persistence';
import { v7 as uuidv7 } from 'uuid';

import { clientMasterDataSourceOptions } from '../../apps/client-master/src/client-master-data-source';
import { applyRecords } from '../../apps/client-master/src/records/apply-records';

export interface ApplyRecordsMeasurement {
  chunks: number;
  perChunk: number;
  /** Records reported as applied (every one is new, so chunks × perChunk when nothing went wrong). */
  applied: number;
  seconds: number;
  recordsPerSecond: number;
}

/**
 * Applies `chunks` chunks of `perChunk` new GSTR-2B-like records (about 400 bytes of JSON each), each chunk a
 * job of its own in its own transaction, and times it. `apply` defaults to the real `applyRecords`; pass
 * another implementation with the same signature to compare.
 */
export async function measureApplyRecords(
  databaseUrl: string,
  chunks: number,
  perChunk: number,
  apply: typeof applyRecords = applyRecords,
): Promise<ApplyRecordsMeasurement> {
  const options = clientMasterDataSourceOptions({ DATABASE_URL: databaseUrl });
  await runServiceMigrations(options);
  const ds = createServiceDataSource({ ...options, poolSize: 2 });
  await ds.initialize();
  const firmId = uuidv7();
  const clientId = uuidv7();
  const gstin = '27AAACB1234C1Z5';
  try {
    await ds.query(`INSERT INTO clients (id, firm_id, name, gstins) VALUES ($1, $2, 'Bench records', $3)`, [
      clientId,
      firmId,
      [gstin],
    ]);
    const runId = uuidv7();
    const at = new Date();
    let applied = 0;
    const started = performance.now();
    for (let c = 0; c < chunks; c++) {
      // One period per chunk, as a GSTR-2B fetch of one return period would bring.
      const period = String(c).padStart(6, '0');
      const changes: RecordChange[] = [];
      for (let r = 0; r < perChunk; r++) {
        const inum = `INV-${c}-${r}`;
        changes.push({
          naturalKey: `${gstin}|29AABCS${String(r % 10_000).padStart(4, '0')}D1Z2|${inum}|${period}`,
          change: 'added',
          hash: `${c}-${r}`.padEnd(64, '0'),
          data: {
            ctin: `29AABCS${String(r % 10_000).padStart(4, '0')}D1Z2`,
            trdnm: `Supplier ${r} Private Limited`,
            inum,
            dt: '15-04-2025',
            val: 118_000 + r,
            pos: '27',
            rev: 'N',
            itcavl: 'Y',
            rsn: '',
            typ: 'R',
            items: [{ num: 1, rt: 18, txval: 100_000 + r, igst: 18_000, cgst: 0, sgst: 0, cess: 0 }],
            supfildt: '11-05-2025',
            supprd: period,
          },
        });
      }
      const chunk: ClientRecordsChanged = {
        jobId: uuidv7(),
        runId,
        clientId,
        category: 'gst.gstr2b',
        subject: { kind: 'gstin', value: gstin },
        period,
        attempt: 1,
        chunk: { index: 0, count: 1 },
        changes,
      };
      applied += (await ds.transaction((manager) => apply(manager, firmId, chunk, at))).length;
    }
    const seconds = (performance.now() - started) / 1000;
    return { chunks, perChunk, applied, seconds, recordsPerSecond: applied / seconds };
  } finally {
    await ds.query('DELETE FROM clients WHERE id = $1', [clientId]).catch(() => undefined);
    await ds.destroy();
  }
}
