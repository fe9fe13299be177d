import { isCategoryOrAlias } from '@practice-sync/contracts';
import { z } from 'zod';

import type { ClientSelection, RunPeriods } from '../sync-runs/sync-runs.dto';
import { ClientSelectionSchema, RunPeriodsSchema } from '../sync-runs/sync-runs.dto';
import { isValidCron, parseIsoDuration } from './schedule-timing';

const every = z
  .string()
  .refine((v) => parseIsoDuration(v) !== null, 'must be an ISO 8601 duration such as PT15M, PT1H or P1D');
const cron = z.string().max(200).refine(isValidCron, 'must be a cron expression such as "0 9 * * 1-5"');
const categories = z
  .array(z.string().refine(isCategoryOrAlias, (v) => ({ message: `unknown category "${v}"` })))
  .min(1)
  .max(50);

const fields = {
  name: z.string().trim().min(1).max(200),
  clients: ClientSelectionSchema,
  categories,
  period: RunPeriodsSchema.nullable().optional(),
  every: every.nullable().optional(),
  cron: cron.nullable().optional(),
  notBefore: z.string().datetime({ offset: true }).nullable().optional(),
  enabled: z.boolean().optional(),
};

const oneRule = (v: { every?: string | null; cron?: string | null }) => !!v.every !== !!v.cron;
const ruleError = { message: 'give exactly one of every and cron', path: ['every'] };

export const CreateScheduleSchema = z.object(fields).strict().refine(oneRule, ruleError);
export type CreateScheduleDto = z.infer<typeof CreateScheduleSchema>;

/** Partial; `every` and `cron` may be swapped by sending the new one and null for the other. */
export const UpdateScheduleSchema = z.object(fields).partial().strict();
export type UpdateScheduleDto = z.infer<typeof UpdateScheduleSchema>;

/** Schedule exactly as the brief's wire contract. */
export interface ScheduleResponseDto {
  id: string;
  name: string;
  clients: ClientSelection;
  categories: string[];
  period: RunPeriods | null;
  every: string | null;
  cron: string | null;
  notBefore: string | null;
  enabled: boolean;
  lastRunId: string | null;
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}
