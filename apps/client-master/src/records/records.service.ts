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
    return { items: page.items.map(toRecordDto), nextCursor: page.nextCursor };
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
