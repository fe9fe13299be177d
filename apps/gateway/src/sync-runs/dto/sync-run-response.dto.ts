import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import {
  FailureCodes,
  JobOutcomes,
  JobStatuses,
  RunStatuses,
  TaxpayerOutcomes,
} from '@practice-sync/contracts';

class RunTotalsDto {
  @ApiProperty({ example: 12, description: 'Every job of the run, skipped ones included.' }) jobs!: number;
  @ApiProperty({ example: 4 }) pending!: number;
  @ApiProperty({ example: 2 }) running!: number;
  @ApiProperty({ example: 3 }) succeeded!: number;
  @ApiProperty({ example: 1 }) noChange!: number;
  @ApiProperty({ example: 1 }) failed!: number;
  @ApiProperty({ example: 1, description: 'Categories the client cannot have (e.g. no GSTIN): not work.' })
  skipped!: number;
  @ApiProperty({ example: 0 }) cancelled!: number;
  @ApiProperty({ example: 0, description: 'Nothing on the portal for this period.' }) noData!: number;
  @ApiProperty({ example: 0, description: 'Some parts fetched and kept, at least one failed (see parts).' })
  partial!: number;
  @ApiProperty({
    example: 11,
    description: "The run's work: every job but the skipped ones (jobs − skipped).",
  })
  work!: number;
  @ApiProperty({
    example: 5,
    description: 'Work that reached an outcome (work − pending − running); progress is workFinished / work.',
  })
  workFinished!: number;
}

export class SyncRunResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: RunStatuses, example: 'queued' })
  status!: string;

  @ApiProperty({
    enum: ['clients', 'links'],
    example: 'clients',
    description: 'What the run is over: clients (portal categories) or branch links (`books.*` categories).',
  })
  subjectKind!: string;

  @ApiProperty({
    type: 'object',
    nullable: true,
    example: { tags: ['gst-monthly'] },
    description:
      'The client selection as requested (null for a run over links); a run made by ' +
      '`POST /v1/sync-runs/{id}/retry` has `{ "retryOf": "<source run id>" }` (it covers that run\'s failed jobs).',
  })
  clients!: Record<string, unknown> | null;

  @ApiProperty({
    type: 'object',
    nullable: true,
    example: null,
    description:
      'Branch sync: the link selection as requested (`{ all: true }` or `{ ids }`; `{ retryOf }` for a retry); ' +
      'null for a run over clients.',
  })
  links!: Record<string, unknown> | null;

  @ApiProperty({ type: [String], example: ['gst.gstr2b'] })
  categories!: string[];

  @ApiProperty({
    nullable: true,
    example: { gst: '102026', 'gst.gstr2b': '092026', itr: '2025-26' },
    description:
      'The period of each portal in the run (`gst`, `itr`) and, where a category defaulted to another one ' +
      '(GSTR-2B before the 14th), that category’s own, keyed by its id. Each job carries its period.',
  })
  period!: Record<string, string> | null;

  @ApiProperty({ type: RunTotalsDto })
  totals!: RunTotalsDto;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  startedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  scheduleId!: string | null;
}

export class SyncRunListResponseDto {
  @ApiProperty({ type: [SyncRunResponseDto] })
  items!: SyncRunResponseDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

class JobCountsDto {
  @ApiProperty({ example: 12 }) added!: number;
  @ApiProperty({ example: 0 }) updated!: number;
  @ApiProperty({ example: 0 }) removed!: number;
  @ApiProperty({ example: 0 }) unchanged!: number;
}

class JobPartDto {
  @ApiProperty({ example: '26AS' }) name!: string;
  @ApiProperty({ enum: ['fetched', 'failed'], example: 'failed' }) status!: string;
  @ApiProperty({ example: 0, description: 'Records of the part (0 when it failed).' }) records!: number;
  @ApiProperty({ enum: FailureCodes, nullable: true, example: 'portal_unavailable' }) errorCode!:
    | string
    | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage!: string | null;
  @ApiProperty({ example: true }) retryable!: boolean;
}

class JobSubjectDto {
  @ApiProperty({ enum: ['gstin', 'pan', 'esignClientFileId', 'link'], example: 'gstin' })
  kind!: string;

  @ApiProperty({ example: '27AAACR5055K1Z5' })
  value!: string;
}

interface TaxpayerCountsDto {
  succeeded: number;
  unsuccessful: number;
  noChange: number;
}

class TaxpayerResultDto {
  @ApiProperty({ example: 'TP-104233' }) id!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Asha Rao' }) name!: string | null;
  @ApiProperty({ enum: TaxpayerOutcomes, example: 'unsuccessful' }) outcome!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'the taxpayer declined to sign on 2025-03-02T09:15:42Z; send a new signing request',
  })
  reason!: string | null;
}

/** Inline (not a $ref) so the property can be nullable with a type, as OpenAPI 3.0 requires. */
const TAXPAYER_COUNTS_SCHEMA = {
  type: 'object' as const,
  properties: {
    succeeded: { type: 'integer', example: 1, description: 'Signed: timestamps imported.' },
    unsuccessful: {
      type: 'integer',
      example: 2,
      description: 'Declined, expired, voided or not signed yet.',
    },
    noChange: { type: 'integer', example: 0, description: 'Signed, already imported.' },
  },
};

interface TaxpayerResultsDto {
  counts: TaxpayerCountsDto;
  items: TaxpayerResultDto[];
}

class BooksCountsDto {
  @ApiProperty({ example: 3 }) created!: number;
  @ApiProperty({ example: 1 }) altered!: number;
  @ApiProperty({ example: 0 }) deleted!: number;
  @ApiProperty({ example: 40 }) unchanged!: number;
  @ApiProperty({ example: 0 }) held!: number;
  @ApiProperty({ example: 0 }) conflicts!: number;
  @ApiProperty({ example: 0 }) errors!: number;
}

@ApiExtraModels(TaxpayerResultDto, BooksCountsDto)
export class SyncJobResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for a branch sync job.' })
  clientId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Rao Textiles Pvt Ltd',
    description: "The client's name when the run started (kept after a rename or deletion).",
  })
  clientName!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: "Branch sync: the link the job synced (its subject); null for a client's job.",
  })
  linkId!: string | null;
  @ApiProperty({ example: 'gst.gstr2b' }) category!: string;
  @ApiProperty({ type: JobSubjectDto }) subject!: JobSubjectDto;
  @ApiProperty({ nullable: true, type: String, example: '042025' }) period!: string | null;
  @ApiProperty({ enum: JobStatuses, example: 'done' }) status!: string;
  @ApiProperty({
    enum: JobOutcomes,
    nullable: true,
    example: 'failed',
    description:
      '`no_data`: fetched, and the portal holds nothing for this subject and period ("nothing on the portal for ' +
      'this period", explained in errorMessage). `partial`: some parts fetched and kept, at least one failed ' +
      '(see `parts`; errorCode/errorMessage/retryable are those of the failed parts).',
  })
  outcome!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'not_generated_yet' }) errorCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage!: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) retryable!: boolean | null;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({
    description:
      "A client's job: records added, updated, removed and unchanged. A branch sync job: objects created, " +
      'altered, deleted, unchanged, held, in conflict (`held` and `conflicts` are 0 for online links) and ' +
      'refused by the receiver (`errors`).',
    oneOf: [
      {
        type: 'object',
        properties: {
          added: { type: 'integer', example: 12 },
          updated: { type: 'integer', example: 0 },
          removed: { type: 'integer', example: 0 },
          unchanged: { type: 'integer', example: 0 },
        },
      },
      { $ref: getSchemaPath(BooksCountsDto) },
    ],
  })
  counts!: JobCountsDto | BooksCountsDto;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: null,
    description:
      'Branch sync: how many objects the receiver refused (their Tally errors are kept by connector-books); ' +
      "null for a client's job.",
  })
  failedObjects!: number | null;
  @ApiProperty({
    type: [JobPartDto],
    nullable: true,
    description: 'Per part of a multi-part category (AIS, TIS and Form 26AS); null for the other categories.',
  })
  parts!: JobPartDto[] | null;
  @ApiProperty({
    type: 'object',
    nullable: true,
    properties: {
      counts: TAXPAYER_COUNTS_SCHEMA,
      items: {
        type: 'array',
        items: { $ref: getSchemaPath(TaxpayerResultDto) },
        description: 'Each taxpayer (at most 200; counts cover all).',
      },
    },
    description:
      'e-sign: each taxpayer of the client file with `succeeded` (signed, timestamps imported), `no_change` or ' +
      '`unsuccessful` with the reason (declined, expired and voided signings are never successes); null for ' +
      'other categories.',
  })
  taxpayers!: TaxpayerResultsDto | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
}

export class SyncJobListResponseDto {
  @ApiProperty({ type: [SyncJobResponseDto] })
  items!: SyncJobResponseDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

class ClientOutcomeCountsDto {
  @ApiProperty({ example: 2 }) succeeded!: number;
  @ApiProperty({ example: 1 }) noChange!: number;
  @ApiProperty({ example: 1 }) failed!: number;
  @ApiProperty({ example: 0 }) skipped!: number;
  @ApiProperty({ example: 0 }) cancelled!: number;
  @ApiProperty({ example: 0 }) noData!: number;
  @ApiProperty({ example: 0 }) partial!: number;
}

export class ClientRunSummaryDto {
  @ApiProperty({ format: 'uuid' })
  clientId!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Rao Textiles Pvt Ltd' })
  clientName!: string | null;

  @ApiProperty({ type: ClientOutcomeCountsDto })
  counts!: ClientOutcomeCountsDto;

  @ApiProperty({
    ...TAXPAYER_COUNTS_SCHEMA,
    nullable: true,
    description: "Over the client's e-sign jobs: taxpayers synchronised, unsuccessful, with no change.",
  })
  taxpayers!: TaxpayerCountsDto | null;

  @ApiProperty({ type: [SyncJobResponseDto] })
  jobs!: SyncJobResponseDto[];
}

export class LinkRunSummaryDto {
  @ApiProperty({ format: 'uuid' })
  linkId!: string;

  @ApiProperty({ type: ClientOutcomeCountsDto })
  counts!: ClientOutcomeCountsDto;

  @ApiProperty({ type: BooksCountsDto, description: "The objects the link's jobs moved, over its classes." })
  objects!: BooksCountsDto;

  @ApiProperty({ type: [SyncJobResponseDto] })
  jobs!: SyncJobResponseDto[];
}

@ApiExtraModels(ClientRunSummaryDto, LinkRunSummaryDto)
export class SyncRunSummaryResponseDto {
  @ApiProperty({
    type: 'array',
    description:
      'Per client (ordered by client id); for a run over branch links, per link (ordered by link id).',
    items: {
      oneOf: [{ $ref: getSchemaPath(ClientRunSummaryDto) }, { $ref: getSchemaPath(LinkRunSummaryDto) }],
    },
  })
  items!: (ClientRunSummaryDto | LinkRunSummaryDto)[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
