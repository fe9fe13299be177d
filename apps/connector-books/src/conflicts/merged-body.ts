import { gstinProblem } from '@practice-sync/contracts';
import type { FieldError } from '@practice-sync/problems';
import { z } from 'zod';

import type { ObjectTag } from '../tally/books-objects';
import type { FieldRecord } from './object-version';

const AMOUNT = /^-?\d{1,13}(\.\d{1,2})?$/;
const str = (what = '') =>
  z.string({ required_error: 'is required', invalid_type_error: `must be a string${what}` });
const text = (max = 200) => str().trim().max(max, `at most ${max} characters`);
const name = text().min(1, 'must not be empty');
const amount = str(' (an amount, e.g. "-1180.00")')
  .trim()
  .regex(AMOUNT, 'must be an amount with at most 2 decimals, debit negative (e.g. "-1180.00")');
const yesNo = z.enum(['Yes', 'No'], { errorMap: () => ({ message: 'must be "Yes" or "No"' }) });
const whole = (max: number) =>
  str(' (a whole number)')
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .refine((v) => Number(v) <= max, `must be at most ${max}`);
const gstin = str('')
  .trim()
  .superRefine((v, ctx) => {
    const problem = v === '' ? null : gstinProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const costCentres = z
  .array(
    z
      .object({
        CATEGORY: text().optional(),
        'COSTCENTREALLOCATIONS.LIST': z.array(z.object({ NAME: name, AMOUNT: amount }).strict()).min(1),
      })
      .strict(),
  )
  .optional();

const ledgerEntry = z
  .object({
    LEDGERNAME: name,
    ISDEEMEDPOSITIVE: yesNo.optional(),
    AMOUNT: amount,
    'CATEGORYALLOCATIONS.LIST': costCentres,
  })
  .strict();

const inventoryEntry = z
  .object({
    STOCKITEMNAME: name,
    ISDEEMEDPOSITIVE: yesNo.optional(),
    RATE: text(60).optional(),
    ACTUALQTY: text(60).optional(),
    BILLEDQTY: text(60).optional(),
    AMOUNT: amount,
  })
  .strict();

/** Per type, the fields a merged body may carry (Tally's names, as the versions show them). */
const SCHEMAS: Record<ObjectTag, z.ZodType<FieldRecord>> = {
  GROUP: z.object({ NAME: name, PARENT: text().optional(), NATURE: text(40).optional() }).strict(),
  LEDGER: z
    .object({
      NAME: name,
      PARENT: name,
      CURRENCYNAME: text(40).optional(),
      PARTYGSTIN: gstin.optional(),
      LEDSTATENAME: text(60).optional(),
      OPENINGBALANCE: amount.optional(),
    })
    .strict(),
  UNIT: z
    .object({
      NAME: name,
      ORIGINALNAME: text().optional(),
      ISSIMPLEUNIT: yesNo.optional(),
      DECIMALPLACES: whole(4).optional(),
    })
    .strict(),
  CURRENCY: z
    .object({ NAME: name, EXPANDEDSYMBOL: text().optional(), DECIMALPLACES: whole(4).optional() })
    .strict(),
  STOCKITEM: z
    .object({
      NAME: name,
      BASEUNITS: text(40).optional(),
      HSNCODE: str('')
        .trim()
        .regex(/^(\d{4}|\d{6}|\d{8})?$/, 'must be an HSN code of 4, 6 or 8 digits')
        .optional(),
      GSTRATE: str(' (a percentage)')
        .trim()
        .regex(/^\d{1,2}(\.\d{1,2})?$/, 'must be a GST rate in percent (e.g. "18")')
        .optional(),
    })
    .strict(),
  VOUCHERTYPE: z
    .object({ NAME: name, PARENT: text().optional(), NUMBERINGMETHOD: text(40).optional() })
    .strict(),
  COSTCENTRE: z.object({ NAME: name, PARENT: text().optional(), CATEGORY: text().optional() }).strict(),
  VOUCHER: z
    .object({
      DATE: str(' (YYYYMMDD)')
        .trim()
        .regex(/^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/, 'must be a date as YYYYMMDD (e.g. "20260110")'),
      VOUCHERTYPENAME: name,
      VOUCHERNUMBER: text(60).optional(),
      NARRATION: text(2000).optional(),
      ISINVOICE: yesNo.optional(),
      PARTYLEDGERNAME: text().optional(),
      'ALLLEDGERENTRIES.LIST': z
        .array(ledgerEntry, {
          required_error: 'is required',
          invalid_type_error: 'must be a list of ledger entries',
        })
        .min(2, 'a voucher needs at least two ledger entries (debit and credit)'),
      'ALLINVENTORYENTRIES.LIST': z
        .array(inventoryEntry, { invalid_type_error: 'must be a list of stock entries' })
        .optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      const paise = v['ALLLEDGERENTRIES.LIST'].reduce(
        (sum, e) => sum + Math.round(Number(e.AMOUNT) * 100),
        0,
      );
      if (paise !== 0)
        ctx.addIssue({
          code: 'custom',
          path: ['ALLLEDGERENTRIES.LIST'],
          message: `debits and credits must balance (they differ by ${(paise / 100).toFixed(2)})`,
        });
    }),
};

export type MergedBodyCheck = { ok: true; fields: FieldRecord } | { ok: false; errors: FieldError[] };

/**
 * A merged body checked against the object's type: the whole object in Tally's field names, as the conflict's
 * versions show them (unknown fields, missing required ones, bad amounts, dates, GSTINs and an unbalanced
 * voucher are each named as `body.<field>`). Debit/credit flags left out are derived from the amounts' signs.
 */
export function checkMergedBody(tag: ObjectTag, body: unknown): MergedBodyCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      errors: [{ field: 'body', message: `must be an object: the ${tag} with its fields` }],
    };
  }
  const parsed = SCHEMAS[tag].safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => {
        const field = ['body', ...i.path.map(String)].join('.');
        if (i.code === 'unrecognized_keys')
          return {
            field: `${field}.${i.keys[0]}`,
            message: `is not a field of a ${tag}${i.keys.length > 1 ? ` (nor ${i.keys.slice(1).join(', ')})` : ''}`,
          };
        return { field, message: i.message };
      }),
    };
  }
  const fields = parsed.data;
  for (const list of ['ALLLEDGERENTRIES.LIST', 'ALLINVENTORYENTRIES.LIST']) {
    const entries = fields[list];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as FieldRecord[]) {
      if (entry.ISDEEMEDPOSITIVE === undefined)
        entry.ISDEEMEDPOSITIVE = String(entry.AMOUNT).trim().startsWith('-') ? 'Yes' : 'No';
    }
  }
  return { ok: true, fields };
}
