import { randomBytes } from 'crypto';
import type { DataSource } from 'typeorm';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { createServiceDataSource } from './data-source';
import { EntityRows } from './entity-rows';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

@Entity({ name: 'parcels' })
class ParcelEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'firm_id' })
  firmId!: string;

  @Column('text', { array: true })
  tags!: string[];

  @Column('jsonb', { nullable: true })
  parts!: { name: string }[] | null;

  @Column('jsonb', { name: 'meta' })
  meta!: { nested: { n: number } };

  @Column('integer', { name: 'item_count', default: 0 })
  itemCount!: number;

  @Column('boolean', { nullable: true })
  sealed!: boolean | null;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt!: Date | null;
}

@Entity({ name: 'parcel_notes' })
class NoteEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'parcel_id' })
  parcelId!: string;

  @Column('text')
  body!: string;
}

/** EntityRows against a real PostgreSQL: what it reads and writes equals what TypeORM's repository does. */
describe('EntityRows (real PostgreSQL)', () => {
  const schema = `entity_rows_${randomBytes(4).toString('hex')}`;
  let ds: DataSource;
  const parcel = (): ParcelEntity =>
    Object.assign(new ParcelEntity(), {
      id: uuidv7(),
      firmId: 'firm-1',
      tags: ['gst', 'it "quoted"'],
      parts: [{ name: 'one' }, { name: 'two' }],
      meta: { nested: { n: 1 } },
      itemCount: 3,
      sealed: null,
      sentAt: new Date('2026-12-07T06:00:00.123Z'),
    });

  beforeAll(async () => {
    const setup = createServiceDataSource({ url, schema, entities: [], migrations: [], poolSize: 1 });
    await setup.initialize();
    await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await setup.destroy();
    ds = createServiceDataSource({
      url,
      schema,
      entities: [ParcelEntity, NoteEntity],
      migrations: [],
      poolSize: 2,
    });
    await ds.initialize();
    await ds.synchronize();
  });

  afterAll(async () => {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  it('reads two entities in one statement as the repository does, and null for a LEFT JOIN that found none', async () => {
    const p = parcel();
    await ds.getRepository(ParcelEntity).insert(p);
    const note = Object.assign(new NoteEntity(), { id: uuidv7(), parcelId: p.id, body: 'fragile' });
    await ds.getRepository(NoteEntity).insert(note);
    const parcels = EntityRows.of(ds.manager, ParcelEntity);
    const notes = EntityRows.of(ds.manager, NoteEntity);
    expect(parcels.table).toBe(`"${schema}"."parcels"`);

    const read = async (noteId: string) =>
      (
        (await ds.query(
          `SELECT ${parcels.selectList('p', 'p_')}, ${notes.selectList('n', 'n_')}
           FROM ${parcels.table} p LEFT JOIN ${notes.table} n ON n.id = $2 AND n.parcel_id = p.id
          WHERE p.id = $1`,
          [p.id, noteId],
        )) as Record<string, unknown>[]
      )[0];
    const row = await read(note.id);
    const fromRepo = await ds.getRepository(ParcelEntity).findOneByOrFail({ id: p.id });
    const mapped = parcels.fromRow(row, 'p_');
    expect(mapped).toBeInstanceOf(ParcelEntity);
    expect(mapped).toEqual(fromRepo);
    expect(mapped).toEqual(p);
    expect(notes.fromRow(row, 'n_')).toEqual(note);
    expect(notes.fromRow(await read(uuidv7()), 'n_')).toBeNull();
  });

  it('updates only the patch’s defined properties, writing a JSON array to jsonb and a text array to text[]', async () => {
    const p = parcel();
    await ds.getRepository(ParcelEntity).insert(p);
    const other = parcel();
    await ds.getRepository(ParcelEntity).insert(other);
    const rows = EntityRows.of(ds.manager, ParcelEntity);

    await ds.transaction((m) =>
      rows.update(m, p.id, {
        parts: [{ name: 'three' }],
        tags: ['itr'],
        itemCount: 0,
        sealed: false,
        sentAt: null,
        meta: undefined,
      }),
    );
    const back = await ds.getRepository(ParcelEntity).findOneByOrFail({ id: p.id });
    expect(back).toEqual({
      ...p,
      parts: [{ name: 'three' }],
      tags: ['itr'],
      itemCount: 0,
      sealed: false,
      sentAt: null,
    });
    expect((await ds.query(`SELECT jsonb_typeof(parts) AS t FROM parcels WHERE id = $1`, [p.id]))[0].t).toBe(
      'array',
    );
    await rows.update(ds.manager, p.id, { parts: null });
    expect((await ds.getRepository(ParcelEntity).findOneByOrFail({ id: p.id })).parts).toBeNull();
    // The other row is untouched, and an empty patch writes nothing.
    await rows.update(ds.manager, other.id, {});
    expect(await ds.getRepository(ParcelEntity).findOneByOrFail({ id: other.id })).toEqual(other);
  });

  it('reads one row, or only the properties asked for (with the key), or null; and refuses a WHERE matching two', async () => {
    const p = parcel();
    await ds.getRepository(ParcelEntity).insert(p);
    const rows = EntityRows.of(ds.manager, ParcelEntity);
    expect(await rows.one(ds.manager, 't.id = $1 AND t.firm_id = $2', [p.id, 'firm-1'])).toEqual(p);
    expect(await rows.one(ds.manager, 't.id = $1 AND t.firm_id = $2', [p.id, 'firm-2'])).toBeNull();
    const some = await rows.one(ds.manager, 't.id = $1', [p.id], { properties: ['itemCount', 'parts'] });
    expect(some).toEqual(Object.assign(new ParcelEntity(), { id: p.id, itemCount: 3, parts: p.parts }));
    expect([some?.tags, some?.meta, some?.sentAt, some?.firmId]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const locked = await ds.transaction((m) => rows.one(m, 't.id = $1', [p.id], { suffix: 'FOR UPDATE' }));
    expect(locked?.id).toBe(p.id);
    await expect(rows.one(ds.manager, "t.firm_id = 'firm-1'", [])).rejects.toThrow(
      /ParcelEntity: \d+ rows match/,
    );
  });

  it('updates rows of two tables in one statement, each with only its patch', async () => {
    const p = parcel();
    const other = parcel();
    await ds.getRepository(ParcelEntity).insert([p, other]);
    const note = Object.assign(new NoteEntity(), { id: uuidv7(), parcelId: p.id, body: 'before' });
    await ds.getRepository(NoteEntity).insert(note);
    const parcels = EntityRows.of(ds.manager, ParcelEntity);
    const notes = EntityRows.of(ds.manager, NoteEntity);
    const sent: string[] = [];
    await ds.transaction(async (m) => {
      const query = m.query.bind(m);
      m.query = ((sql: string, params?: unknown[]) => {
        sent.push(sql);
        return query(sql, params);
      }) as typeof m.query;
      await EntityRows.updateTogether(m, [
        notes.patch(note.id, { body: 'after' }),
        parcels.patch(other.id, {}), // nothing to write: left out
        parcels.patch(p.id, { itemCount: 7, parts: [{ name: 'x' }] }),
      ]);
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^WITH u0 AS \(UPDATE .*parcel_notes.*\) UPDATE .*parcels/);
    expect(await ds.getRepository(NoteEntity).findOneByOrFail({ id: note.id })).toEqual({
      ...note,
      body: 'after',
    });
    expect(await ds.getRepository(ParcelEntity).findOneByOrFail({ id: p.id })).toEqual({
      ...p,
      itemCount: 7,
      parts: [{ name: 'x' }],
    });
    expect(await ds.getRepository(ParcelEntity).findOneByOrFail({ id: other.id })).toEqual(other);
  });

  it('refuses a property that is not a column, naming it', async () => {
    const rows = EntityRows.of(ds.manager, ParcelEntity);
    await expect(
      rows.update(ds.manager, uuidv7(), { weight: 3 } as unknown as Partial<ParcelEntity>),
    ).rejects.toThrow('ParcelEntity has no column for property "weight"');
  });
});
