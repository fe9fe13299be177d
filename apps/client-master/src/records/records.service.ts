import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { NotFoundProblem } from '@practice-sync/problems';
import { Repository } from 'typeorm';

import { ClientsService } from '../clients/clients.service';
import type { Page } from '../common/cursor';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/cursor';
import { RecordChangeEntity, RecordEntity } from './record.entity';
import type { ChangeDto, ListChangesQueryDto, ListRecordsQueryDto, RecordDto } from './records.dto';
import { toChangeDto, toRecordDto } from './records.dto';

@Injectable()
export class RecordsService {
  constructor(
    @InjectRepository(RecordEntity) private readonly records: Repository<RecordEntity>,
    @InjectRepository(RecordChangeEntity) private readonly changes: Repository<RecordChangeEntity>,
    private readonly clients: ClientsService,
  ) {}

  /** A client's records (removed ones too, with `removedAt`), in first-seen order. */
  async list(firmId: string, clientId: string, query: ListRecordsQueryDto): Promise<Page<RecordDto>> {
    await this.mustExist(firmId, clientId);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const qb = this.records
      .createQueryBuilder('r')
      .where('r.firmId = :firmId AND r.clientId = :clientId', { firmId, clientId });
    if (query.category) qb.andWhere('r.category = :category', { category: query.category });
    if (query.period) qb.andWhere('r.period = :period', { period: query.period });
    if (query.cursor) qb.andWhere('r.id > :after', { after: decodeCursor(query.cursor) });
    const rows = await qb
      .orderBy('r.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = toPage(rows, limit, (r) => r.id);
    await this.withCellsSeen(firmId, clientId, page.items);
    return { items: page.items.map(toRecordDto), nextCursor: page.nextCursor };
  }

  /**
   * A live record was last seen by the latest complete fetch of its cell (`status_cells.records_seen_at`) when
   * that is later than its own `last_seen_at` (its last add, update or reappearance): sets `lastSeenAt` to that.
   */
  private async withCellsSeen(firmId: string, clientId: string, records: RecordEntity[]): Promise<void> {
    if (!records.some((r) => r.removedAt === null)) return;
    const cells = (await this.records.query(
      `SELECT category, subject_kind, subject_value, period, records_seen_at FROM status_cells
        WHERE firm_id = $1 AND client_id = $2 AND records_seen_at IS NOT NULL`,
      [firmId, clientId],
    )) as {
      category: string;
      subject_kind: string;
      subject_value: string;
      period: string | null;
      records_seen_at: Date;
    }[];
    if (cells.length === 0) return;
    const cellKey = (category: string, kind: string, value: string, period: string | null) =>
      JSON.stringify([category, kind, value, period]);
    const seen = new Map(
      cells.map((c) => [cellKey(c.category, c.subject_kind, c.subject_value, c.period), c.records_seen_at]),
    );
    for (const r of records) {
      if (r.removedAt !== null) continue;
      const cellSeen = seen.get(cellKey(r.category, r.subjectKind, r.subjectValue, r.period));
      if (cellSeen && cellSeen > r.lastSeenAt) r.lastSeenAt = cellSeen;
    }
  }

  /** The change feed of a client, oldest first, optionally only after `since`. */
  async feed(firmId: string, clientId: string, query: ListChangesQueryDto): Promise<Page<ChangeDto>> {
    await this.mustExist(firmId, clientId);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const qb = this.changes
      .createQueryBuilder('c')
      .where('c.firmId = :firmId AND c.clientId = :clientId', { firmId, clientId });
    if (query.since) qb.andWhere('c.at > :since', { since: new Date(query.since) });
    if (query.cursor) qb.andWhere('c.id > :after', { after: decodeCursor(query.cursor) });
    const rows = await qb
      .orderBy('c.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = toPage(rows, limit, (c) => c.id);
    return { items: page.items.map(toChangeDto), nextCursor: page.nextCursor };
  }

  private async mustExist(firmId: string, clientId: string): Promise<void> {
    if (!(await this.clients.exists(firmId, clientId))) {
      throw new NotFoundProblem(`There is no client ${clientId}.`);
    }
  }
}
