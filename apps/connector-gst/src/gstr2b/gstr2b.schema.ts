import { z } from 'zod';

const str = z.string();
const num = z.number();

export const Gstr2bItemSchema = z
  .object({
    num: num.optional(),
    rt: num.optional(),
    txval: num.optional(),
    igst: num.optional(),
    cgst: num.optional(),
    sgst: num.optional(),
    cess: num.optional(),
  })
  .passthrough();

export const Gstr2bInvoiceSchema = z
  .object({
    inum: str.min(1),
    typ: str.optional(),
    dt: str.optional(),
    val: num.optional(),
    pos: str.optional(),
    rev: str.optional(),
    itcavl: str.optional(),
    rsn: str.optional(),
    items: z.array(Gstr2bItemSchema).default([]),
  })
  .passthrough();

export const Gstr2bSupplierSchema = z
  .object({
    ctin: str.min(1),
    trdnm: str.optional(),
    supfildt: str.optional(),
    supprd: str.optional(),
    inv: z.array(Gstr2bInvoiceSchema).default([]),
  })
  .passthrough();

/** One GSTR-2B document (the whole 2B, or one `file_num` page of a large one). */
export const Gstr2bDocumentSchema = z
  .object({
    gstin: str.optional(),
    rtnprd: str.optional(),
    version: str.optional(),
    gendt: str.optional(),
    docdata: z
      .object({ b2b: z.array(Gstr2bSupplierSchema).default([]) })
      .passthrough()
      .default({}),
  })
  .passthrough();

/** `data` of a GET2B answer: the document under `data`, or only a file count for a large 2B. */
export const Gstr2bDataSchema = z
  .object({ fc: z.coerce.number().int().positive().optional(), data: Gstr2bDocumentSchema.optional() })
  .passthrough();

export type Gstr2bDocument = z.infer<typeof Gstr2bDocumentSchema>;
