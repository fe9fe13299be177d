import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BooksSyncCategories,
  CategoryAliases,
  cronProblem,
  DEFAULT_SCHEDULE_TIME_ZONE,
  everyProblem,
  MIN_EVERY_SECONDS,
  MIN_LINK_EVERY_SECONDS,
  timeZoneProblem,
} from '@practice-sync/contracts';
import type { ClientSelection, LinkSelection } from '@practice-sync/validation';
import type { FieldProblem } from '@practice-sync/validation';
import {
  anyCategoryProblems,
  clientSelectionProblems,
  linkSelectionProblemsOf,
  linkSelectionShapeProblems,
  runPeriodProblems,
  scheduleCategoriesProblems,
} from '@practice-sync/validation';
import { ALLOWED_CATEGORIES, SyncPeriodDto } from '@practice-sync/validation';
import { CheckField, stringRule } from '@practice-sync/validation';
import { trimmed } from '@practice-sync/validation';
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

const SELECTION_SCHEMA = {
  description:
    'Which clients: exactly one of `all`, `ids`, `tags` or `offices` (as for a sync run). A schedule is ' +
    'over either `clients` (portal categories) or `links` (branch sync, `books.*` categories), never both.',
  type: 'object' as const,
  example: { tags: ['gst-monthly'] },
};

const LINKS_SCHEMA = {
  description:
    'Branch sync: which branch links, `{ all: true }` or `{ ids: [...] }`, as for a sync run. Only with ' +
    '`books.*` categories and without `period`; exactly one of `clients` or `links`. What a schedule is over ' +
    'cannot change later.',
  type: 'object' as const,
  example: { all: true },
};

interface Timing {
  every?: string | null;
  cron?: string | null;
  timezone?: unknown;
  links?: unknown;
}

/** The shortest `every` a schedule may have: a minute over branch links, five minutes over clients. */
export function minEverySeconds(overLinks: boolean): number {
  return overLinks ? MIN_LINK_EVERY_SECONDS : MIN_EVERY_SECONDS;
}

/** The cron expression is read in the schedule's time zone (checked on its own field). */
function cronInZone(value: unknown, object: object): FieldProblem[] {
  const { timezone } = object as Timing;
  const zone =
    typeof timezone === 'string' && !timeZoneProblem(timezone) ? timezone : DEFAULT_SCHEDULE_TIME_ZONE;
  return stringRule((v) => cronProblem(v, zone))(value, object);
}

const TIMEZONE_DOC = {
  example: 'Asia/Kolkata',
  default: DEFAULT_SCHEDULE_TIME_ZONE,
  description:
    'IANA time zone the cron expression and calendar durations (P1M, P1Y) are read in. Default ' +
    `${DEFAULT_SCHEDULE_TIME_ZONE}.`,
};

const isSet = (v: unknown) => v !== undefined && v !== null;

/** Creation needs exactly one of `every` and `cron`; reported on `every`. */
function everyOnCreate(value: unknown, object: object): FieldProblem[] {
  const { cron } = object as Timing;
  if (value === undefined && cron === undefined) {
    return [{ path: '', message: 'one of every (ISO 8601 duration) or cron is required' }];
  }
  if (value !== undefined && cron !== undefined)
    return [{ path: '', message: 'give every or cron, not both' }];
  const min = minEverySeconds((object as Timing).links !== undefined);
  return value === undefined ? [] : stringRule((v) => everyProblem(v, min))(value, object);
}

/**
 * An update may switch between `every` and `cron` (clearing the other with null), never set both. Checked
 * here against the links minimum; the controller holds a schedule over clients to five minutes.
 */
function everyOnUpdate(value: unknown, object: object): FieldProblem[] {
  const { cron } = object as Timing;
  if (isSet(value) && isSet(cron)) return [{ path: '', message: 'give every or cron, not both' }];
  return isSet(value) ? stringRule((v) => everyProblem(v, MIN_LINK_EVERY_SECONDS))(value, object) : [];
}

/** An update names the selection of what the schedule is over; both at once is refused. */
function linksOnUpdate(value: unknown, object: object): FieldProblem[] {
  if ((object as { clients?: unknown }).clients !== undefined) {
    return [
      {
        path: '',
        message:
          'a schedule is over either `clients` or `links`, and what it is over cannot change; send one',
      },
    ];
  }
  return linkSelectionShapeProblems(value);
}

const CATEGORIES_DOC =
  `Categories from the catalogue, or the aliases ${CategoryAliases.join(', ')}; for a schedule over ` +
  `\`links\`: ${BooksSyncCategories.join(', ')}.`;

export class CreateScheduleRequestDto {
  @ApiProperty({ example: 'GST monthly, 15th', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsDefined({ message: 'is required' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional(SELECTION_SCHEMA)
  // Absent is fine when the schedule is over `links` (the `links` check says when both are sent).
  @ValidateIf((o: CreateScheduleRequestDto) => o.links === undefined || o.clients !== undefined)
  @IsDefined({
    message:
      'is required: one of { all: true }, { ids: [...] }, { tags: [...] }, { offices: [...] } ' +
      '(or send `links` instead to schedule branch links with books.* categories)',
  })
  @CheckField('schedule.clients', clientSelectionProblems)
  clients?: ClientSelection;

  @ApiPropertyOptional(LINKS_SCHEMA)
  @ValidateIf((o: CreateScheduleRequestDto) => o.links !== undefined)
  @CheckField('schedule.links', linkSelectionProblemsOf('schedule'))
  links?: LinkSelection;

  @ApiProperty({
    type: [String],
    example: ['gst.gstr2b', 'gst.gstr3b_ledgers'],
    description: CATEGORIES_DOC,
  })
  @IsArray()
  @ArrayNotEmpty({ message: 'must list at least one category' })
  @ArrayMaxSize(ALLOWED_CATEGORIES.length * 2)
  @CheckField('schedule.categories', scheduleCategoriesProblems)
  categories!: string[];

  @ApiPropertyOptional({
    type: SyncPeriodDto,
    description:
      'A fixed period; without it each run syncs the period current when it starts. Never with `links` ' +
      '(branch sync has no period).',
  })
  @IsOptional()
  @CheckField('schedule.period', runPeriodProblems)
  @IsObject()
  @ValidateNested()
  @Type(() => SyncPeriodDto)
  period?: SyncPeriodDto;

  @ApiPropertyOptional({
    example: 'PT6H',
    description:
      'Run every this long: an ISO 8601 duration PnYnMnWnDTnHnMnS, at least PT5M over clients and PT1M ' +
      'over branch links. Months and years follow ' +
      'the calendar in `timezone` (P1M from 31 January is the last day of February). Exactly one of every ' +
      'and cron.',
  })
  @ValidateIf(() => true)
  @CheckField('schedule.every', everyOnCreate)
  every?: string;

  @ApiPropertyOptional({
    example: '0 6 15 * *',
    description:
      'Run at these times: a 5-field cron expression (minute hour day-of-month month day-of-week) read in ' +
      '`timezone`. Exactly one of every and cron.',
  })
  @ValidateIf((o: CreateScheduleRequestDto) => o.cron !== undefined)
  @CheckField('schedule.cron', cronInZone)
  cron?: string;

  @ApiPropertyOptional(TIMEZONE_DOC)
  @IsOptional()
  @CheckField('schedule.timezone', stringRule(timeZoneProblem, 'an IANA time zone name, e.g. Asia/Kolkata'))
  timezone?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2025-05-15T00:00:00Z',
    description: 'No run starts before this instant.',
  })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time, e.g. 2025-05-15T00:00:00Z' })
  notBefore?: string;

  @ApiPropertyOptional({ default: true, example: true, description: 'A disabled schedule starts no runs.' })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  enabled?: boolean;
}

/** Only the fields sent change; `null` clears period, every, cron or notBefore. */
export class UpdateScheduleRequestDto {
  @ApiPropertyOptional({ example: 'GST monthly, 20th', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional(SELECTION_SCHEMA)
  @IsOptional()
  @CheckField('scheduleUpdate.clients', clientSelectionProblems)
  clients?: ClientSelection;

  @ApiPropertyOptional(LINKS_SCHEMA)
  @IsOptional()
  @CheckField('scheduleUpdate.links', linksOnUpdate)
  links?: LinkSelection;

  @ApiPropertyOptional({
    type: [String],
    example: ['gst.all'],
    description: `${CATEGORIES_DOC} Checked against what the schedule is over.`,
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty({ message: 'must list at least one category' })
  @ArrayMaxSize(ALLOWED_CATEGORIES.length * 2)
  @CheckField('scheduleUpdate.categories', anyCategoryProblems)
  categories?: string[];

  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    description: 'A fixed period, or null to sync the period current when each run starts.',
    properties: {
      gst: { type: 'string', example: '042025', description: 'GST return period, MMYYYY.' },
      itr: { type: 'string', example: '2025-26', description: 'Income Tax assessment year, YYYY-YY.' },
    },
  })
  @ValidateIf((o: UpdateScheduleRequestDto) => isSet(o.period))
  @IsObject()
  @ValidateNested()
  @Type(() => SyncPeriodDto)
  period?: SyncPeriodDto | null;

  @ApiPropertyOptional({ example: 'P1D', nullable: true, type: String })
  @ValidateIf((o: UpdateScheduleRequestDto) => o.every !== undefined || isSet(o.cron))
  @CheckField('scheduleUpdate.every', everyOnUpdate)
  every?: string | null;

  @ApiPropertyOptional({ example: null, nullable: true, type: String })
  @ValidateIf((o: UpdateScheduleRequestDto) => isSet(o.cron))
  @CheckField('scheduleUpdate.cron', cronInZone)
  cron?: string | null;

  @ApiPropertyOptional(TIMEZONE_DOC)
  @IsOptional()
  @CheckField(
    'scheduleUpdate.timezone',
    stringRule(timeZoneProblem, 'an IANA time zone name, e.g. Asia/Kolkata'),
  )
  timezone?: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  @ValidateIf((o: UpdateScheduleRequestDto) => isSet(o.notBefore))
  @IsString()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time, e.g. 2025-05-15T00:00:00Z' })
  notBefore?: string | null;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  enabled?: boolean;
}
