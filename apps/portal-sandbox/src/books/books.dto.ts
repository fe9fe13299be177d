import { z } from 'zod';

import { OBJECT_TYPES } from './books.types';

/** Company keys: what a booksUrl ends with. */
export const BOOKS_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Body of `POST /_sandbox/books/companies`. */
export const createCompanySchema = z
  .object({
    key: z
      .string({ required_error: 'is required' })
      .regex(BOOKS_KEY_PATTERN, 'must be 1-64 letters, digits, _ or -'),
    name: z
      .string({ required_error: 'is required' })
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters'),
    vouchers: z
      .number({ invalid_type_error: 'must be a whole number' })
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .max(100_000, 'must be at most 100000')
      .optional(),
  })
  .strict();

const typeSchema = z
  .string({ required_error: 'is required' })
  .transform((t) => t.replace(/[\s_-]/g, '').toUpperCase())
  .refine((t) => (OBJECT_TYPES as readonly string[]).includes(t), {
    message: `must be one of ${OBJECT_TYPES.map((t) => t.toLowerCase()).join(', ')}`,
  });

const costCentres = z.array(z.object({ costCentre: z.string(), amount: z.number() }).strict());

export const masterBodySchema = z
  .object({
    name: z.string().trim().min(1),
    parent: z.string(),
    gstin: z.string(),
    currency: z.string(),
    openingBalance: z.number(),
    state: z.string(),
    nature: z.string(),
    formalName: z.string(),
    decimals: z.number().int().min(0).max(4),
    baseUnits: z.string(),
    hsn: z.string(),
    gstRate: z.number().min(0).max(100),
    numbering: z.enum(['Automatic', 'Manual']),
  })
  .partial()
  .strict();

export const voucherBodySchema = z
  .object({
    voucherType: z.string(),
    date: z.string().regex(/^\d{8}$/, 'must be YYYYMMDD'),
    voucherNumber: z.string(),
    narration: z.string(),
    partyLedger: z.string(),
    ledgerEntries: z.array(
      z.object({ ledger: z.string(), amount: z.number(), costCentres: costCentres.optional() }).strict(),
    ),
    inventoryEntries: z.array(
      z
        .object({ stockItem: z.string(), rate: z.number(), quantity: z.number(), amount: z.number() })
        .strict(),
    ),
  })
  .partial()
  .strict();

/** Body of `POST /_sandbox/books/{key}/objects`: what staff do in the books. */
export const objectActionSchema = z
  .object({
    action: z.enum(['create', 'alter', 'rename', 'delete'], {
      errorMap: () => ({ message: 'must be one of create, alter, rename, delete' }),
    }),
    type: typeSchema,
    guid: z.string().min(1).optional(),
    body: z.record(z.unknown()).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.action !== 'create' && !value.guid) {
      ctx.addIssue({ code: 'custom', path: ['guid'], message: `is required to ${value.action} an object` });
    }
    if (value.action === 'rename' && value.type === 'VOUCHER') {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'a voucher has no name to rename; alter it' });
    }
  });

export type ObjectActionRequestDto = z.output<typeof objectActionSchema>;

export const booksFaultSchema = z
  .object({
    offline: z.boolean({ required_error: 'is required', invalid_type_error: 'must be true or false' }),
  })
  .strict();

export interface BooksCompanyResponseDto {
  key: string;
  name: string;
  guid: string;
  booksUrl: string;
  offline: boolean;
  lastAlterId: number;
  counts: Record<string, number>;
}
