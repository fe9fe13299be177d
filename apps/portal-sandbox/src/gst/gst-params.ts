import { gstinProblem, isGstPeriod } from '@practice-sync/contracts';

import { firstString } from '../common/portal';
import type { GstErrorBody } from '../common/portal-errors';
import { GST_CODES, gstError } from '../common/portal-errors';

export const VERSION = /^v\d+\.\d+$/;

/** "No data" codes: the read worked and there is nothing (NOT failures). Which code fits which read is
 * sandbox-chosen where GSTN documentation is unconfirmed; see the README table. */
export const NO_DATA = {
  gstr1: { error_cd: 'RET11416', message: 'No data found for the provided inputs' },
  gstr3b: { error_cd: 'RET11417', message: 'Return not filed for the tax period' },
  gstr2a: { error_cd: 'RET13508', message: 'No invoices found for the provided inputs' },
  ims: { error_cd: 'RET13509', message: 'No records found in IMS for the section' },
  ledger: { error_cd: 'RET13510', message: 'No entries found for the given period' },
} as const;

export const QUEUE_PENDING = {
  error_cd: 'SBX2020',
  message: 'The requested files are being generated; retry after the estimated time',
};

export interface GstRead {
  action: string;
  gstin: string;
  period: string;
}

type Query = Record<string, unknown>;

/** Common checks of a read: version, action, GSTIN (query or header) and, when `needsPeriod`, `ret_period`. */
export function parseRead(
  version: string,
  query: Query,
  headers: Query,
  actions: readonly string[],
  needsPeriod = true,
): GstRead | GstErrorBody {
  const action = firstString(query.action) ?? '';
  if (!VERSION.test(version) || !actions.includes(action)) {
    return gstError(GST_CODES.invalidRequest, `action must be one of ${actions.join(', ')}`);
  }
  const gstin = firstString(query.gstin) ?? firstString(headers.gstin) ?? '';
  const problem = gstinProblem(gstin);
  if (problem) return gstError(GST_CODES.invalidRequest, `gstin: ${problem}`);
  const period =
    firstString(query.ret_period) ?? firstString(query.rtnprd) ?? firstString(headers.ret_period) ?? '';
  if (needsPeriod && !isGstPeriod(period)) {
    return gstError(GST_CODES.invalidRequest, 'ret_period must be MMYYYY');
  }
  return { action, gstin, period };
}

export function isError(value: object): value is GstErrorBody {
  return 'status_cd' in value && value.status_cd === '0';
}

/** `DD-MM-YYYY` to a UTC date, or undefined. */
export function parseGstDate(text: string | undefined): Date | undefined {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(text ?? '');
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])));
  return d.getUTCDate() === Number(m[1]) ? d : undefined;
}
