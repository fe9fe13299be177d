import { Injectable, Logger } from '@nestjs/common';
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
import { ConflictProblem, NotFoundProblem, ProblemException } from '@practice-sync/problems';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { Page, PageRequest } from '../common/cursor';
import { keysetPage } from '../common/cursor';
import type { ClientDto } from './client.entity';
import { ClientEntity, toClientDto } from './client.entity';
import type { BulkClientRowDto, BulkRowResult } from './dto/bulk-clients.dto';
import type { CreateClientDto } from './dto/create-client.dto';
import type { ListClientsQueryDto } from './dto/list-clients.dto';
import type { ClientSelection } from './dto/select-clients.dto';
import type { UpdateClientDto } from './dto/update-client.dto';

@Injectable()
export class ClientsService {
  private readonly logger = new Logger('ClientsService');

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
    const entity = newClient(firmId, input, now);
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
    const { next, changedFields } = patchOf(entity, patch);
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
    await enqueueEvents(manager, [clientEvent(ClientUpdatedEvent, { client, changedFields }, entity.firmId)]);
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
   * Upserts rows, matched by PAN within the firm, else by the first GSTIN (the live client with the smallest
   * id that has it); otherwise created. Rows are applied in order, each seeing the ones before it, and every
   * row gets its own result; `client.created` / `client.updated` are announced per row as by `create` /
   * `update` (an unchanged row is `updated` without an event).
   *
   * Set-based: one transaction per BULK_BATCH rows, which locks the batch's candidate clients in one query,
   * resolves the rows in memory and writes them with one multi-row INSERT and one multi-row UPDATE. If the
   * batch fails as a whole (a PAN created meanwhile by a concurrent request, a row the database refuses), it
   * is rolled back and redone one transaction per row, so a bad row never aborts the good ones.
   */
  async bulk(firmId: string, rows: BulkClientRowDto[]): Promise<{ items: BulkRowResult[] }> {
    const items: BulkRowResult[] = [];
    for (let start = 0; start < rows.length; start += BULK_BATCH) {
      const batch = rows.slice(start, start + BULK_BATCH);
      let results: BulkRowResult[];
      try {
        results = await this.dataSource.transaction((manager) => this.bulkBatch(manager, firmId, batch));
      } catch (e) {
        this.logger.warn({
          msg: 'bulk batch failed as a whole; redoing it row by row',
          rows: batch.length,
          code: (e as { code?: unknown }).code ?? (e instanceof Error ? e.name : 'unknown'),
        });
        results = [];
        for (const row of batch) results.push(await this.bulkRow(firmId, row));
      }
      items.push(...results);
    }
    return { items };
  }

  private async bulkBatch(
    manager: EntityManager,
    firmId: string,
    rows: BulkClientRowDto[],
  ): Promise<BulkRowResult[]> {
    // Every live client a row of the batch could match. A client outside this set cannot be matched later in
    // the batch either: only these and the batch's new clients change in it.
    const pans = rows.flatMap((r) => (r.client.pan ? [r.client.pan] : []));
    const gstins = rows.flatMap((r) => (!r.client.pan && r.client.gstins?.[0] ? [r.client.gstins[0]] : []));
    const candidates =
      pans.length + gstins.length === 0
        ? []
        : await manager
            .createQueryBuilder(ClientEntity, 'c')
            .where('c.firmId = :firmId AND c.deletedAt IS NULL', { firmId })
            .andWhere('(c.pan = ANY(:pans::text[]) OR c.gstins && :gstins::text[])', { pans, gstins })
            .orderBy('c.id', 'ASC')
            .setLock('pessimistic_write')
            .getMany();
    const known = new KnownClients(candidates);
    const created = new Set<string>();
    const updated = new Set<string>();
    const events: OutgoingEvent[] = [];
    const results = rows.map(({ row, client: input }): BulkRowResult => {
      const now = new Date();
      const firstGstin = input.gstins?.[0];
      const existing = input.pan
        ? known.byPan(input.pan)
        : firstGstin
          ? known.byGstin(firstGstin)
          : undefined;
      if (!existing) {
        const entity = newClient(firmId, input, now);
        known.add(entity);
        created.add(entity.id);
        events.push(clientEvent(ClientCreatedEvent, { client: toClientDto(entity) }, firmId));
        return { row, status: 'created', id: entity.id };
      }
      const { next, changedFields } = patchOf(existing, input);
      if (changedFields.length === 0) return { row, status: 'updated', id: existing.id };
      // A matched client's PAN never changes here (a row with a PAN is matched by it), so no PAN check.
      known.change(existing, { ...next, updatedAt: now });
      if (!created.has(existing.id)) updated.add(existing.id);
      events.push(clientEvent(ClientUpdatedEvent, { client: toClientDto(existing), changedFields }, firmId));
      return { row, status: 'updated', id: existing.id };
    });

    if (created.size > 0) {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO clients (id, firm_id, name, pan, tan, gstins, esign_client_file_id, office, tags,
                              created_at, updated_at, deleted_at)
         SELECT v.id, v.firm_id, v.name, v.pan, v.tan, v.gstins, v.esign_client_file_id, v.office, v.tags,
                v.created_at, v.updated_at, NULL
           FROM jsonb_to_recordset($1::jsonb) AS v(${CLIENT_RECORD})
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [JSON.stringify([...created].map((id) => clientRecord(known.get(id))))],
      );
      // Only a client with the same PAN created since the batch looked (a concurrent request) conflicts:
      // the row-by-row path reports it for exactly the rows concerned.
      if (inserted.length !== created.size) throw new BulkConflict();
    }
    if (updated.size > 0) {
      await manager.query(
        `UPDATE clients c SET name = v.name, pan = v.pan, tan = v.tan, gstins = v.gstins,
                esign_client_file_id = v.esign_client_file_id, office = v.office, tags = v.tags,
                updated_at = v.updated_at
           FROM jsonb_to_recordset($1::jsonb) AS v(${CLIENT_RECORD})
          WHERE c.id = v.id AND c.firm_id = v.firm_id`,
        [JSON.stringify([...updated].map((id) => clientRecord(known.get(id))))],
      );
    }
    if (events.length > 0) await enqueueEvents(manager, events);
    return results;
  }

  /** One row in a transaction of its own: the fallback when a whole batch failed. */
  private async bulkRow(firmId: string, { row, client: input }: BulkClientRowDto): Promise<BulkRowResult> {
    try {
      return await this.dataSource.transaction(async (manager): Promise<BulkRowResult> => {
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
    } catch (e) {
      const message = e instanceof ProblemException ? e.detail : 'could not be saved';
      return { row, status: 'error', errors: [{ field: 'client', message }] };
    }
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
    if (query.tag) qb.andWhere('lower_tags(c.tags) @> ARRAY[lower(:tag)]', { tag: query.tag });
    if (query.office) qb.andWhere('lower(c.office) = lower(:office)', { office: query.office });
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
    // Tags and offices match whatever their case (expression indexes: lower_tags(tags), lower(office)).
    if ('tags' in selection)
      qb.andWhere('lower_tags(c.tags) && :tags::text[]', { tags: lowered(selection.tags) });
    if ('offices' in selection)
      qb.andWhere('lower(c.office) = ANY(:offices::text[])', { offices: lowered(selection.offices) });
    return this.page(qb, page);
  }

  /**
   * The values of a selection's list that select no live client of this firm: ids that are not the firm's
   * (whether or not they exist elsewhere: the answer never tells), tags and offices (any case) no client has.
   * Empty for `all`. In the order given, without duplicates.
   */
  async unmatched(firmId: string, selection: ClientSelection): Promise<string[]> {
    if ('all' in selection) return [];
    const [values, test] =
      'ids' in selection
        ? [selection.ids, `c.id = CASE WHEN v ~* '${UUID_SQL}' THEN v::uuid END`]
        : 'tags' in selection
          ? [selection.tags, `lower_tags(c.tags) @> ARRAY[lower(v)]`]
          : [selection.offices, `lower(c.office) = lower(v)`];
    const rows: { v: string }[] = await this.clients.query(
      `SELECT v FROM unnest($2::text[]) WITH ORDINALITY AS s(v, n)
        WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.firm_id = $1 AND c.deleted_at IS NULL AND ${test})
        ORDER BY n`,
      [firmId, values],
    );
    return [...new Set(rows.map((r) => r.v))];
  }

  /**
   * Every portal identifier of the firm's clients (GSTINs, PANs, e-sign client files), once each with the name
   * of a client that has it: what the gateway compares with stored access to list what has none.
   */
  async identifiers(firmId: string): Promise<{ items: ClientIdentifierDto[] }> {
    const rows: { kind: ClientIdentifierDto['kind']; value: string; client_name: string }[] =
      await this.clients.query(
        `SELECT kind, value, min(name) AS client_name FROM (
           SELECT 'gstin' AS kind, unnest(gstins) AS value, name FROM clients
            WHERE firm_id = $1 AND deleted_at IS NULL
           UNION ALL
           SELECT 'pan', pan, name FROM clients WHERE firm_id = $1 AND deleted_at IS NULL AND pan IS NOT NULL
           UNION ALL
           SELECT 'esignClientFileId', esign_client_file_id, name FROM clients
            WHERE firm_id = $1 AND deleted_at IS NULL AND esign_client_file_id IS NOT NULL
         ) AS x
         GROUP BY kind, value ORDER BY kind, value`,
        [firmId],
      );
    return { items: rows.map((r) => ({ kind: r.kind, value: r.value, clientName: r.client_name })) };
  }

  private active(firmId: string): SelectQueryBuilder<ClientEntity> {
    return this.clients
      .createQueryBuilder('c')
      .where('c.firmId = :firmId', { firmId })
      .andWhere('c.deletedAt IS NULL');
  }

  private page(qb: SelectQueryBuilder<ClientEntity>, page: PageRequest): Promise<Page<ClientDto>> {
    return keysetPage(qb, 'c', page, toClientDto);
  }
}

/** A portal identifier of the firm's clients. */
export interface ClientIdentifierDto {
  kind: 'gstin' | 'pan' | 'esignClientFileId';
  value: string;
  clientName: string;
}

/** Rows per transaction of the bulk upsert (the gateway sends its CSV import in chunks of 250 by default). */
const BULK_BATCH = 500;

class BulkConflict extends Error {
  override name = 'BulkConflict';
}

/** A new client from a create body, as `POST …/clients` and the bulk upsert store it. */
function newClient(firmId: string, input: CreateClientDto, now: Date): ClientEntity {
  return Object.assign(new ClientEntity(), {
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
}

/** The fields of `patch` that are present, and which of them differ from the client's current values. */
function patchOf(
  entity: ClientEntity,
  patch: UpdateClientDto,
): { next: Partial<ClientEntity>; changedFields: string[] } {
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
  return { next, changedFields: changedFields.map(String) };
}

/**
 * The live clients a bulk batch works on, as they are after the rows so far: by id, by PAN, and by GSTIN
 * (smallest id first, as `ORDER BY id` would pick).
 */
class KnownClients {
  private readonly clients = new Map<string, ClientEntity>();
  private readonly pans = new Map<string, string>();
  private readonly gstins = new Map<string, Set<string>>();

  constructor(clients: ClientEntity[]) {
    for (const c of clients) this.add(c);
  }

  get(id: string): ClientEntity {
    const client = this.clients.get(id);
    if (!client) throw new Error(`client ${id} is not known to this batch`);
    return client;
  }

  byPan(pan: string): ClientEntity | undefined {
    const id = this.pans.get(pan);
    return id === undefined ? undefined : this.clients.get(id);
  }

  byGstin(gstin: string): ClientEntity | undefined {
    let first: string | undefined;
    for (const id of this.gstins.get(gstin) ?? []) if (first === undefined || id < first) first = id;
    return first === undefined ? undefined : this.clients.get(first);
  }

  add(client: ClientEntity): void {
    this.clients.set(client.id, client);
    this.index(client, +1);
  }

  change(client: ClientEntity, next: Partial<ClientEntity>): void {
    this.index(client, -1);
    Object.assign(client, next);
    this.index(client, +1);
  }

  private index(client: ClientEntity, sign: 1 | -1): void {
    if (client.pan) {
      if (sign > 0) this.pans.set(client.pan, client.id);
      else if (this.pans.get(client.pan) === client.id) this.pans.delete(client.pan);
    }
    for (const g of client.gstins) {
      const ids = this.gstins.get(g) ?? new Set<string>();
      if (sign > 0) ids.add(client.id);
      else ids.delete(client.id);
      this.gstins.set(g, ids);
    }
  }
}

/** The columns of a client row as jsonb_to_recordset reads them (see clientRecord). */
const CLIENT_RECORD = `id uuid, firm_id uuid, name text, pan text, tan text, gstins text[],
  esign_client_file_id text, office text, tags text[], created_at timestamptz, updated_at timestamptz`;

function clientRecord(c: ClientEntity): Record<string, unknown> {
  return {
    id: c.id,
    firm_id: c.firmId,
    name: c.name,
    pan: c.pan,
    tan: c.tan,
    gstins: c.gstins,
    esign_client_file_id: c.esignClientFileId,
    office: c.office,
    tags: c.tags,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function lowered(values: string[]): string[] {
  return values.map((v) => v.toLowerCase());
}

const UUID_SQL = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

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
