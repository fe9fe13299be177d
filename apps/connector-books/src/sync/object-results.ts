import type { BooksObjectErrorCode } from '@practice-sync/contracts';

import type { ImportResponse } from '../tally/import-response';

/** What an import did to each object of a batch. */
export type ObjectResult = { ok: true } | { ok: false; message: string };

/**
 * Per object from one batch's RESPONSE: every LINEERROR names its object by INDEX (sandbox) or GUID. Null when
 * the errors cannot be placed (a real Tally sends neither): the caller then imports the batch one object at a time.
 */
export function objectResults(guids: readonly string[], response: ImportResponse): ObjectResult[] | null {
  const results: ObjectResult[] = guids.map(() => ({ ok: true }));
  if (response.errors === 0 && response.lineErrors.length === 0) return results;
  if (response.lineErrors.length !== response.errors) return null;
  for (const error of response.lineErrors) {
    let at = error.index !== null ? error.index - 1 : -1;
    if ((at < 0 || at >= guids.length) && error.guid) at = guids.indexOf(error.guid);
    if (at < 0 || at >= guids.length || !results[at].ok) return null;
    results[at] = { ok: false, message: error.message };
  }
  return results;
}

const CODES: [RegExp, BooksObjectErrorCode][] = [
  [/cannot delete .* in use/i, 'in_use'],
  [/does not exist/i, 'missing_master'],
  [/totals do not match/i, 'totals_mismatch'],
  [/date .* is invalid/i, 'invalid_date'],
  [/no entries/i, 'no_entries'],
  [/amount is missing or invalid/i, 'invalid_amount'],
  [/already exists/i, 'duplicate_name'],
  [/group is missing/i, 'missing_group'],
  [/gstin\/uin .* is invalid/i, 'invalid_gstin'],
  [/guid is missing/i, 'guid_missing'],
  [/belongs to another object/i, 'guid_conflict'],
  [/cannot be under itself/i, 'invalid_parent'],
  [/unknown (object|action)/i, 'unknown_object'],
];

/** Tally's error text as a code that may travel (the text names ledgers and amounts). */
export function errorCodeOf(message: string): BooksObjectErrorCode {
  return CODES.find(([re]) => re.test(message))?.[1] ?? 'rejected';
}

/** A Delete of a GUID the receiver never held (or deleted already): nothing to do, not an error. */
export function isAbsentOnDelete(message: string): boolean {
  return /does not exist/i.test(message);
}
