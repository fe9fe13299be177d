import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { NotFoundProblem } from '@practice-sync/problems';
import { Repository } from 'typeorm';

import { ClientsService } from '../clients/clients.service';
import type { Page } from '../common/cursor';
import { DEFAULT_LIMIT } from '../common/cursor';
import type { StatusCellDto } from './status-cell.entity';
import { StatusCellEntity, toStatusCellDto } from './status-cell.entity';
import type { StatusGridCellDto, StatusGridQueryDto } from './status-grid.dto';
import { decodeGridCursor, encodeGridCursor } from './status-grid.dto';

@Injectable()
export class StatusService {
  constructor(
    @InjectRepository(StatusCellEntity) private readonly cells: Repository<StatusCellEntity>,
    private readonly clients: ClientsService,
  ) {}

  /** A client's status grid row by row, in a stable order (category, subject, period). */
  async forClient(firmId: string, clientId: string): Promise<StatusCellDto[]> {
    if (!(await this.clients.exists(firmId, clientId)))
      throw new NotFoundProblem(`There is no client ${clientId}.`);
    const cells = await this.cells.find({
      where: { firmId, clientId },
      order: { category: 'ASC', subjectKind: 'ASC', subjectValue: 'ASC', period: 'ASC' },
    });
    return cells.map(toStatusCellDto);
  }

  /**
   * The firm-wide grid: per client (of the firm, not deleted), category and identifier, the latest result
   * whatever its period, with the last success over every period and the client's name. Ordered by client id
   * then category and identifier (the natural key's order, so a page reads the index it walks); filtered by
   * category and by the latest outcome.
   */
  async grid(firmId: string, query: StatusGridQueryDto): Promise<Page<StatusGridCellDto>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor ? decodeGridCursor(query.cursor) : null;
    const rows: GridRow[] = await this.cells.query(
      `WITH latest AS (
         SELECT DISTINCT ON (s.client_id, s.category, s.subject_kind, s.subject_value)
                s.client_id, s.category, s.subject_kind, s.subject_value, s.period, s.last_outcome,
                s.last_error_code, s.last_error_message, s.last_run_id, s.last_job_id, s.last_finished_at,
                max(s.last_success_at) OVER (PARTITION BY s.client_id, s.category, s.subject_kind, s.subject_value)
                  AS any_success_at
           FROM status_cells s
          WHERE s.firm_id = $1 AND ($2::text IS NULL OR s.category = $2)
            AND ($3::uuid IS NULL OR (s.client_id, s.category, s.subject_kind, s.subject_value) > ($3, $4, $5, $6))
          ORDER BY s.client_id, s.category, s.subject_kind, s.subject_value, s.last_finished_at DESC, s.id DESC
       )
       SELECT l.*, c.name AS client_name
         FROM latest l JOIN clients c ON c.id = l.client_id AND c.firm_id = $1 AND c.deleted_at IS NULL
        WHERE $7::text IS NULL OR l.last_outcome = $7
        ORDER BY l.client_id, l.category, l.subject_kind, l.subject_value
        LIMIT $8`,
      [
        firmId,
        query.category ?? null,
        after?.clientId ?? null,
        after?.category ?? null,
        after?.subjectKind ?? null,
        after?.subjectValue ?? null,
        query.outcome ?? null,
        limit + 1,
      ],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toGridCell),
      nextCursor:
        rows.length > limit && last
          ? encodeGridCursor({
              clientId: last.client_id,
              category: last.category,
              subjectKind: last.subject_kind,
              subjectValue: last.subject_value,
            })
          : null,
    };
  }
}

interface GridRow {
  client_id: string;
  client_name: string;
  category: string;
  subject_kind: string;
  subject_value: string;
  period: string | null;
  last_outcome: string;
  last_error_code: string | null;
  last_error_message: string | null;
  last_run_id: string;
  last_job_id: string;
  last_finished_at: Date;
  any_success_at: Date | null;
}

function toGridCell(r: GridRow): StatusGridCellDto {
  return {
    clientId: r.client_id,
    clientName: r.client_name,
    category: r.category,
    subject: { kind: r.subject_kind, value: r.subject_value },
    period: r.period,
    lastOutcome: r.last_outcome,
    lastErrorCode: r.last_error_code,
    lastErrorMessage: r.last_error_message,
    lastSuccessAt: r.any_success_at?.toISOString() ?? null,
    lastFinishedAt: r.last_finished_at.toISOString(),
    lastRunId: r.last_run_id,
    lastJobId: r.last_job_id,
  };
}
