import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { EventContract } from '@practice-sync/contracts';
import {
  ClientCreatedEvent,
  ClientDeletedEvent,
  ClientUpdatedEvent,
  createEnvelope,
} from '@practice-sync/contracts';
import type { OutgoingEvent } from '@practice-sync/messaging';
import { enqueueEvents } from '@practice-sync/messaging';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { Page } from '../common/cursor';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/cursor';
import { ConflictProblem, NotFoundProblem, ProblemException } from '../problems/problem';
import type { ClientDto } from './client.entity';
import { ClientEntity, toClientDto } from './client.entity';
import type { BulkClientRowDto, BulkRowResult } from './dto/bulk-clients.dto';
import type { CreateClientDto } from './dto/create-client.dto';
import type { ListClientsQueryDto } from './dto/list-clients.dto';
import type { ClientSelection } from './dto/select-clients.dto';
import type { UpdateClientDto } from './dto/update-client.dto';

export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

@Injectable()
export class ClientsService {
  constructor(
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(firmId: string, input: CreateClientDto, now = new Date()): Promise<ClientDto> {
    return this.dataSource.transaction((manager) => this.createIn(manager, firmId, input, now));
  }

  /** Inserts the client and its `client.created` event in the caller's transaction. */
  private async createIn(
    manager: EntityManager,
    firmId: string,
    input: CreateClientDto,
    now: Date,
  ): Promise<ClientDto> {
    const entity = manager.create(ClientEntity, {
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
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(ClientEntity)
      .values(entity)
      .orIgnore()
      .returning(['id'])
      .execute();
    if ((inserted.raw as unknown[]).length === 0) {
      throw new ConflictProblem(`A client with PAN ${input.pan} already exists in this firm.`);
    }
    const client = toClientDto(entity);
    await enqueueEvents(manager, [clientEvent(ClientCreatedEvent, { client }, firmId)]);
    return client;
  }

  /** Applies the fields present in `patch`; announces `client.updated` when something changed. */
  async update(firmId: string, id: string, patch: UpdateClientDto, now = new Date()): Promise<ClientDto> {
    return this.dataSource.transaction(async (manager) => {
      const entity = await manager
        .createQueryBuilder(ClientEntity, 'c')
        .where('c.firmId = :firmId AND c.id = :id AND c.deletedAt IS NULL', { firmId, id })
        .setLock('pessimistic_write')
        .getOne();
      if (!entity) throw new NotFoundProblem(`There is no client ${id}.`);
      return this.updateIn(manager, entity, patch, now);
    });
  }

  private async updateIn(
    manager: EntityManager,
    entity: ClientEntity,
    patch: UpdateClientDto,
    now: Date,
  ): Promise<ClientDto> {
    const next: Partial<ClientEntity> = {};
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.pan !== undefined) next.pan = patch.pan;
    if (patch.tan !== undefined) next.tan = patch.tan;
    if (patch.gstins !== undefined) next.gstins = unique(patch.gstins);
    if (patch.esignClientFileId !== undefined) next.esignClientFileId = patch.esignClientFileId;
    if (patch.office !== undefined) next.office = patch.office;
    if (patch.tags !== undefined) next.tags = unique(patch.tags);
    const changedFields = (Object.keys(next) as (keyof ClientEntity)[]).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(entity[k]),
    );
    if (changedFields.length === 0) return toClientDto(entity);
    if (next.pan && next.pan !== entity.pan) {
      const taken = await manager
        .createQueryBuilder(ClientEntity, 'c')
        .where('c.firmId = :firmId AND c.pan = :pan AND c.deletedAt IS NULL AND c.id <> :id', {
          firmId: entity.firmId,
          pan: next.pan,
          id: entity.id,
        })
        .getCount();
      if (taken > 0) throw new ConflictProblem(`A client with PAN ${next.pan} already exists in this firm.`);
    }
    Object.assign(entity, next, { updatedAt: now });
    await manager.update(ClientEntity, entity.id, { ...next, updatedAt: now });
    const client = toClientDto(entity);
    await enqueueEvents(manager, [
      clientEvent(ClientUpdatedEvent, { client, changedFields: changedFields.map(String) }, entity.firmId),
    ]);
    return client;
  }

  /** Soft delete (records and history stay for audit); announces `client.deleted`. */
  async remove(firmId: string, id: string, now = new Date()): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(ClientEntity)
        .set({ deletedAt: now, updatedAt: now })
        .where('firm_id = :firmId AND id = :id AND deleted_at IS NULL', { firmId, id })
        .execute();
      if (!result.affected) throw new NotFoundProblem(`There is no client ${id}.`);
      await enqueueEvents(manager, [
        clientEvent(ClientDeletedEvent, { clientId: id, deletedAt: now.toISOString() }, firmId),
      ]);
    });
  }

  /**
   * Upserts rows one transaction each (a bad row never aborts the good ones): matched by PAN within the
   * firm, else by the first GSTIN; otherwise created.
   */
  async bulk(firmId: string, rows: BulkClientRowDto[]): Promise<{ items: BulkRowResult[] }> {
    const items: BulkRowResult[] = [];
    for (const { row, client: input } of rows) {
      try {
        const result = await this.dataSource.transaction(async (manager): Promise<BulkRowResult> => {
          const qb = manager
            .createQueryBuilder(ClientEntity, 'c')
            .where('c.firmId = :firmId AND c.deletedAt IS NULL', { firmId });
          const firstGstin = input.gstins?.[0];
          if (input.pan) qb.andWhere('c.pan = :pan', { pan: input.pan });
          else if (firstGstin) qb.andWhere(':g = ANY(c.gstins)', { g: firstGstin });
          else qb.andWhere('FALSE');
          const existing = await qb.orderBy('c.id', 'ASC').setLock('pessimistic_write').getOne();
          const now = new Date();
          if (existing) {
            const updated = await this.updateIn(manager, existing, input, now);
            return { row, status: 'updated', id: updated.id };
          }
          const created = await this.createIn(manager, firmId, input, now);
          return { row, status: 'created', id: created.id };
        });
        items.push(result);
      } catch (e) {
        const message = e instanceof ProblemException ? e.detail : 'could not be saved';
        items.push({ row, status: 'error', errors: [{ field: 'client', message }] });
      }
    }
    return { items };
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

/** A client lifecycle event keyed by client, correlated by client id (there is no run). */
function clientEvent<T>(contract: EventContract<T>, data: T, firmId: string): OutgoingEvent<T> {
  return { contract, envelope: createEnvelope(contract, data, { firmId, correlationId: null }) };
}
