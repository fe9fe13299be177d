import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { SelectQueryBuilder } from 'typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { Page } from '../common/cursor';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/cursor';
import { ConflictProblem, NotFoundProblem } from '../problems/problem';
import type { ClientDto } from './client.entity';
import { ClientEntity, toClientDto } from './client.entity';
import type { CreateClientDto } from './dto/create-client.dto';
import type { ListClientsQueryDto } from './dto/list-clients.dto';
import type { ClientSelection } from './dto/select-clients.dto';

export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

@Injectable()
export class ClientsService {
  constructor(@InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>) {}

  async create(firmId: string, input: CreateClientDto, now = new Date()): Promise<ClientDto> {
    const entity = this.clients.create({
      id: uuidv7(),
      firmId,
      name: input.name,
      pan: input.pan ?? null,
      tan: input.tan ?? null,
      gstins: unique(input.gstins ?? []),
      esignClientFileId: input.esignClientFileId ?? null,
      office: input.office ?? null,
      tags: unique(input.tags ?? []),
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    // ON CONFLICT DO NOTHING: the only possible conflict is the (firm, PAN) unique index, and an expected
    // duplicate should not be logged as a failed query.
    const inserted = await this.clients
      .createQueryBuilder()
      .insert()
      .values(entity)
      .orIgnore()
      .returning(['id'])
      .execute();
    if ((inserted.raw as unknown[]).length === 0) {
      throw new ConflictProblem(`A client with PAN ${input.pan} already exists in this firm.`);
    }
    return toClientDto(entity);
  }

  async get(firmId: string, id: string): Promise<ClientDto> {
    const client = await this.active(firmId).andWhere('c.id = :id', { id }).getOne();
    if (!client) throw new NotFoundProblem(`There is no client ${id}.`);
    return toClientDto(client);
  }

  async exists(firmId: string, id: string): Promise<boolean> {
    return (await this.active(firmId).andWhere('c.id = :id', { id }).getCount()) > 0;
  }

  /** The list endpoint: optional tag / office filters and a search over name and identifiers. */
  async list(firmId: string, query: ListClientsQueryDto): Promise<Page<ClientDto>> {
    const qb = this.active(firmId);
    if (query.tag) qb.andWhere(':tag = ANY(c.tags)', { tag: query.tag });
    if (query.office) qb.andWhere('c.office = :office', { office: query.office });
    if (query.q) {
      const term = query.q.trim();
      qb.andWhere(
        '(c.name ILIKE :like OR c.pan = :upper OR c.tan = :upper OR :upper = ANY(c.gstins) OR c.esignClientFileId = :term)',
        { like: `%${escapeLike(term)}%`, upper: term.toUpperCase(), term },
      );
    }
    return this.page(qb, query);
  }

  /** Resolves a sync run's client selection, a page at a time (the orchestrator pages through it). */
  async select(firmId: string, selection: ClientSelection, page: PageRequest): Promise<Page<ClientDto>> {
    const qb = this.active(firmId);
    if ('ids' in selection) qb.andWhere('c.id = ANY(:ids::uuid[])', { ids: selection.ids.filter(isUuid) });
    if ('tags' in selection) qb.andWhere('c.tags && :tags::text[]', { tags: selection.tags });
    if ('offices' in selection)
      qb.andWhere('c.office = ANY(:offices::text[])', { offices: selection.offices });
    return this.page(qb, page);
  }

  private active(firmId: string): SelectQueryBuilder<ClientEntity> {
    return this.clients
      .createQueryBuilder('c')
      .where('c.firmId = :firmId', { firmId })
      .andWhere('c.deletedAt IS NULL');
  }

  private async page(qb: SelectQueryBuilder<ClientEntity>, page: PageRequest): Promise<Page<ClientDto>> {
    const limit = page.limit ?? DEFAULT_LIMIT;
    if (page.cursor) qb.andWhere('c.id > :after', { after: decodeCursor(page.cursor) });
    const rows = await qb
      .orderBy('c.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const result = toPage(rows, limit, (c) => c.id);
    return { items: result.items.map(toClientDto), nextCursor: result.nextCursor };
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function isUuid(value: string): boolean {
  return UUID.test(value);
}
