import { z } from 'zod';

/** One filed return's processing status, as the e-filing portal lists it. */
export const FilingStatusEntrySchema = z
  .object({
    assmentYear: z.union([z.string(), z.number()]).transform(String),
    ackNum: z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1)),
    ackDt: z.string().nullish(),
    formTypeCd: z.string().nullish(),
    efileStatus: z.string().nullish(),
    statusDesc: z.string().nullish(),
    statusDate: z.string().nullish(),
  })
  .passthrough();

export const FilingStatusResponseSchema = z
  .object({
    successFlag: z.boolean(),
    httpStatus: z.string().optional(),
    errors: z
      .array(z.object({ code: z.string().optional(), desc: z.string().optional() }).passthrough())
      .default([]),
    data: z.array(FilingStatusEntrySchema).nullish(),
  })
  .passthrough();

export type FilingStatusEntry = z.infer<typeof FilingStatusEntrySchema>;
