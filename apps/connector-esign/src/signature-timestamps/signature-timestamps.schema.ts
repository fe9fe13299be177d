import { z } from 'zod';

export const SigningStatuses = [
  'created',
  'sent',
  'delivered',
  'signed',
  'declined',
  'expired',
  'voided',
] as const;

const optionalText = z.string().nullish();

export const SigningRequestSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1)),
    taxpayerId: optionalText,
    taxpayerName: optionalText,
    status: z.enum(SigningStatuses),
    sentAt: optionalText,
    signedAt: optionalText,
    signerIp: optionalText,
    authMethod: optionalText,
    certificateId: optionalText,
    updatedAt: optionalText,
  })
  .passthrough();

export const SigningRequestPageSchema = z.object({
  items: z.array(SigningRequestSchema),
  page: z.number().int().positive(),
  nextPage: z.number().int().positive().nullable(),
});

export type SigningRequest = z.infer<typeof SigningRequestSchema>;
export type SigningRequestPage = z.infer<typeof SigningRequestPageSchema>;
