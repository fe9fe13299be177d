import {
  cronProblem,
  DEFAULT_SCHEDULE_TIME_ZONE,
  everyProblem,
  timeZoneProblem,
} from '@practice-sync/contracts';
import type { FieldProblem } from '@practice-sync/validation';
import {
  anyCategoryProblems,
  CheckField,
  clientSelectionProblems,
  linkSelectionProblemsOf,
  linkSelectionShapeProblems,
  runPeriodProblems,
  scheduleCategoriesProblems,
  stringRule,
  SyncPeriodDto,
} from '@practice-sync/validation';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import type { RunSubjectKind } from '../runs/job-kind';
import type { ClientSelection, LinkSelection, RequestedPeriods } from '../runs/run-scope';

const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;
const isSet = (v: unknown) => v !== undefined && v !== null;

// The public minimum interval (PT5M) is the gateway's to enforce; internally any positive duration runs.
const everyRule = stringRule((v) => everyProblem(v, 0));

/** Creation needs exactly one of `every` and `cron`; reported on `every`. */
function everyOnCreate(value: unknown, object: object): FieldProblem[] {
  if (isSet(value) === isSet((object as { cron?: unknown }).cron)) {
    return [{ path: '', message: 'give exactly one of every and cron' }];
  }
  return isSet(value) ? everyRule(value, object) : [];
}

/** The cron expression is read in the schedule's zone, so it is checked with it. */
function cronInZone(value: unknown, object: object): FieldProblem[] {
  if (!isSet(value)) return [];
  if (typeof value !== 'string' || value.length > 200) {
    return [{ path: '', message: 'must be a cron expression of at most 200 characters' }];
  }
  const zone = (object as { timezone?: unknown }).timezone ?? DEFAULT_SCHEDULE_TIME_ZONE;
  if (typeof zone !== 'string' || timeZoneProblem(zone)) return [];
  const message = cronProblem(value, zone);
  return message ? [{ path: '', message }] : [];
}

export class CreateScheduleDto {
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 200)
  name!: string;

  // Absent is fine when the schedule is over `links` (the `links` check says when both are sent).
  @ValidateIf((o: CreateScheduleDto) => o.links === undefined || o.clients !== undefined)
  @IsDefined({ message: 'is required (or send `links` for a schedule of branch links)' })
  @CheckField('internalSchedule.clients', clientSelectionProblems)
  clients?: ClientSelection;

  @ValidateIf((o: CreateScheduleDto) => o.links !== undefined)
  @CheckField('internalSchedule.links', linkSelectionProblemsOf('schedule'))
  links?: LinkSelection;

  @IsArray()
  @ArrayNotEmpty({ message: 'must list at least one category' })
  @ArrayMaxSize(50)
  @CheckField('internalSchedule.categories', scheduleCategoriesProblems)
  categories!: string[];

  @ValidateIf((o: CreateScheduleDto) => isSet(o.period))
  @CheckField('internalSchedule.period', runPeriodProblems)
  @IsObject()
  @ValidateNested()
  @Type(() => SyncPeriodDto)
  period?: RequestedPeriods | null;

  @ValidateIf(() => true)
  @CheckField('internalSchedule.every', everyOnCreate)
  every?: string | null;

  @ValidateIf((o: CreateScheduleDto) => isSet(o.cron))
  @CheckField('internalSchedule.cron', cronInZone)
  cron?: string | null;

  @IsOptional()
  @CheckField('internalSchedule.timezone', stringRule(timeZoneProblem))
  timezone?: string;

  @ValidateIf((o: CreateScheduleDto) => isSet(o.notBefore))
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time with its offset' })
  notBefore?: string | null;

  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  enabled?: boolean;
}

/** Partial; `every` and `cron` may be swapped by sending the new one and null for the other. */
export class UpdateScheduleDto {
  @Transform(trimmed)
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @CheckField('internalScheduleUpdate.clients', clientSelectionProblems)
  clients?: ClientSelection;

  /** A schedule over links changes its links; what it is over (clients or links) never changes. */
  @IsOptional()
  @CheckField('internalScheduleUpdate.links', linkSelectionShapeProblems)
  links?: LinkSelection;

  /** Checked against what the stored schedule is over (portal categories or `books.*`). */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty({ message: 'must list at least one category' })
  @ArrayMaxSize(50)
  @CheckField('internalScheduleUpdate.categories', anyCategoryProblems)
  categories?: string[];

  @ValidateIf((o: UpdateScheduleDto) => isSet(o.period))
  @IsObject()
  @ValidateNested()
  @Type(() => SyncPeriodDto)
  period?: RequestedPeriods | null;

  @ValidateIf((o: UpdateScheduleDto) => isSet(o.every))
  @CheckField('internalScheduleUpdate.every', everyRule)
  every?: string | null;

  @ValidateIf((o: UpdateScheduleDto) => isSet(o.cron))
  @CheckField('internalScheduleUpdate.cron', cronInZone)
  cron?: string | null;

  @IsOptional()
  @CheckField('internalScheduleUpdate.timezone', stringRule(timeZoneProblem))
  timezone?: string;

  @ValidateIf((o: UpdateScheduleDto) => isSet(o.notBefore))
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time with its offset' })
  notBefore?: string | null;

  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  enabled?: boolean;
}

/** Schedule exactly as the brief's wire contract. */
export interface ScheduleResponseDto {
  id: string;
  name: string;
  /** `clients` (portal categories) or `links` (branch sync, `books.*` categories), as a run. */
  subjectKind: RunSubjectKind;
  /** The client selection; null for a schedule over links. */
  clients: ClientSelection | null;
  /** The link selection; null for a schedule over clients. */
  links: LinkSelection | null;
  categories: string[];
  period: RequestedPeriods | null;
  every: string | null;
  cron: string | null;
  timezone: string;
  notBefore: string | null;
  enabled: boolean;
  lastRunId: string | null;
  nextRunAt: string | null;
  /** The last tick that started no run, and why (its previous run, or another over the same links, still going). */
  skippedAt: string | null;
  skipReason: string | null;
  createdAt: string;
  updatedAt: string;
}
