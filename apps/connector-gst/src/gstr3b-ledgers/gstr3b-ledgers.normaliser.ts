import type { RecordSet } from '../common/gst-records';
import { arrayOf, isObj } from '../common/gst-records';

/** The 3B summary is one record per action and period: gstin|gstr3b|action|period. */
export function normaliseGstr3b(
  set: RecordSet,
  base: { gstin: string; action: string; period: string },
  data: unknown,
): void {
  if (isObj(data)) set.add([base.gstin, 'gstr3b', base.action, base.period], { ...base, ...data });
}

/**
 * A ledger: each movement (gstin|ledger|name|period|n|refNo — position within the period's statement, since
 * reference numbers may repeat) plus the statement's balances (…|balance). BAL is one balance record.
 */
export function normaliseLedger(
  set: RecordSet,
  base: { gstin: string; ledger: string; period: string },
  data: unknown,
): void {
  if (!isObj(data)) return;
  const { tr, ...summary } = data;
  arrayOf(tr).forEach((movement, n) => {
    set.add([base.gstin, 'ledger', base.ledger, base.period, n + 1, movement['refNo']], {
      ...base,
      ...movement,
    });
  });
  set.add([base.gstin, 'ledger', base.ledger, base.period, 'balance'], { ...base, ...summary });
}
