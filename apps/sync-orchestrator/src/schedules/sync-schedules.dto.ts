import {
  cronProblem,
  DEFAULT_SCHEDULE_TIME_ZONE,
  everyProblem,
  isCategoryOrAlias,
  timeZoneProblem,
} from '@practice-sync/contracts';
import { z } from 'zod';

import type { ClientSelection, RequestedPeriods } from '../runs/run-scope';
import { ClientSelectionSchema, RunPeriodsSchema } from '../sync-runs/sync-runs.dto';

/** A zod refinement from a `(value) => problem | null` rule, so the message is the rule's own reason. */
const rule = (problem: (v: string) => string | null) =>
  z.string().superRefine((v, ctx) => {
    const message = problem(v);
    if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  });

const categories = z
  .array(z.string().refine(isCategoryOrAlias, (v) => ({ message: `unknown category "${v}"` })))
  .min(1)
  .max(50);

const fields = {
  name: z.string().trim().min(1).max(200),
  clients: ClientSelectionSchema,
  categories,
  period: RunPeriodsSchema.nullable().optional(),
  // The public minimum interval (PT5M) is the gateway's to enforce; internally any positive duration runs.
  every: rule((v) => everyProblem(v, 0))
    .nullable()
    .optional(),
  cron: z.string().max(200).nullable().optional(),
  timezone: rule(timeZoneProblem).optional(),
  notBefore: z.string().datetime({ offset: true }).nullable().optional(),
  enabled: z.boolean().optional(),
};

const oneRule = (v: { every?: string | null; cron?: string | null }) => !!v.every !== !!v.cron;
const ruleError = { message: 'give exactly one of every and cron', path: ['every'] };

/** The cron expression is read in the schedule's zone, so it is checked with it. */
function cronInZone(v: { cron?: string | null; timezone?: string }, ctx: z.RefinementCtx): void {
  if (!v.cron) return;
  const zone = v.timezone ?? DEFAULT_SCHEDULE_TIME_ZONE;
  const message = timeZoneProblem(zone) ? null : cronProblem(v.cron, zone);
  if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message, path: ['cron'] });
}

export const CreateScheduleSchema = z
  .object(fields)
  .strict()
  .refine(oneRule, ruleError)
  .superRefine(cronInZone);
export type CreateScheduleDto = z.infer<typeof CreateScheduleSchema>;

/** Partial; `every` and `cron` may be swapped by sending the new one and null for the other. */
export const UpdateScheduleSchema = z.object(fields).partial().strict().superRefine(cronInZone);
export type UpdateScheduleDto = z.infer<typeof UpdateScheduleSchema>;

/** Schedule exactly as the brief's wire contract. */
export interface ScheduleResponseDto {
  id: string;
  name: string;
  clients: ClientSelection;
  categories: string[];
  period: RequestedPeriods | null;
  every: string | null;
  cron: string | null;
  timezone: string;
  notBefore: string | null;
  enabled: boolean;
  lastRunId: string | null;
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}
