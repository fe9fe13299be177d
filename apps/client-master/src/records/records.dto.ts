import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

import { PageQueryDto } from '../common/page-query.dto';
import type { RecordChangeEntity, RecordEntity } from './record.entity';

export class ListRecordsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  period?: string;
}

export class ListChangesQueryDto extends PageQueryDto {
  /** Only changes recorded after this instant (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}

export interface RecordDto {
  category: string;
  subject: { kind: string; value: string };
  period: string | null;
  naturalKey: string;
  data: Record<string, unknown> | null;
  hash: string | null;
  version: number;
  firstSeenAt: string;
  lastSeenAt: string;
  removedAt: string | null;
}

export interface ChangeDto {
  id: string;
  runId: string;
  jobId: string;
  category: string;
  subject: { kind: string; value: string };
  period: string | null;
  naturalKey: string;
  change: 'added' | 'updated' | 'removed';
  at: string;
}

export function toRecordDto(r: RecordEntity): RecordDto {
  return {
    category: r.category,
    subject: { kind: r.subjectKind, value: r.subjectValue },
    period: r.period,
    naturalKey: r.naturalKey,
    data: r.data,
    hash: r.hash,
    version: r.version,
    firstSeenAt: r.firstSeenAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    removedAt: r.removedAt?.toISOString() ?? null,
  };
}

export function toChangeDto(c: RecordChangeEntity): ChangeDto {
  return {
    id: c.id,
    runId: c.runId,
    jobId: c.jobId,
    category: c.category,
    subject: { kind: c.subjectKind, value: c.subjectValue },
    period: c.period,
    naturalKey: c.naturalKey,
    change: c.change,
    at: c.at.toISOString(),
  };
}
