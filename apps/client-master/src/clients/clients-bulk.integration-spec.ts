import { createServiceDataSource, runServiceMigrations } from '@practice-sync/persistence';
import { testInfra } from '@practice-sync/testing';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { clientMasterDataSourceOptions } from '../client-master-data-source';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import type { BulkClientRowDto } from './dto/bulk-clients.dto';
import type { CreateClientDto } from './dto/create-client.dto';

/** The bulk upsert on real PostgreSQL: rows in order, each seeing the ones before it, one result and event each. */
describe('ClientsService.bulk', () => {
  const options = clientMasterDataSourceOptions({ DATABASE_URL: testInfra().databaseUrl });
  let ds: DataSource;
  let service: ClientsService;

  beforeAll(async () => {
    await runServiceMigrations(options);
    ds = createServiceDataSource({ ...options, poolSize: 4 });
    await ds.initialize();
    service = new ClientsService(ds.getRepository(ClientEntity), ds);
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  const pan = (n: number) => `AAAPA${String(n).padStart(4, '0')}A`;
  const gstin = (n: number) => `27AAAPB${String(n).padStart(4, '0')}B1Z5`;
  const rowsOf = (clients: Partial<CreateClientDto>[], first = 2): BulkClientRowDto[] =>
    clients.map((client, i) => ({ row: first + i, client: client as CreateClientDto }));

  /** client.created / client.updated events of the firm, oldest first, as [type, client id, changed fields]. */
  async function events(firmId: string): Promise<[string, string, string[] | undefined][]> {
    const rows: { payload: string }[] = await ds.query(
      `SELECT payload FROM outbox WHERE payload LIKE '%' || $1 || '%' ORDER BY seq`,
      [firmId],
    );
    return rows
      .map(
        (r) =>
          JSON.parse(r.payload) as {
            type: string;
            data: { client?: { id: string }; changedFields?: string[] };
          },
      )
      .filter((e) => e.data.client)
      .map((e) => [e.type, e.data.client?.id ?? '', e.data.changedFields]);
  }

  it('matches by PAN, else by the first GSTIN (smallest id), including clients made by earlier rows', async () => {
    const firmId = uuidv7();
    const e1 = await service.create(firmId, { name: 'E1', pan: pan(1), gstins: [gstin(1)] });
    const e2 = await service.create(firmId, { name: 'E2', gstins: [gstin(3)] });
    const e3 = await service.create(firmId, { name: 'E3', gstins: [gstin(3), gstin(4)] });
    const gone = await service.create(firmId, { name: 'Gone', pan: pan(9) });
    await service.remove(firmId, gone.id);
    const before = (await events(firmId)).length;

    const { items } = await service.bulk(
      firmId,
      rowsOf([
        { name: 'E1 renamed', pan: pan(1) }, // 2: E1 by PAN
        { name: 'E1 renamed', pan: pan(1) }, // 3: unchanged: updated, no event
        { name: 'By G3', gstins: [gstin(3)] }, // 4: E2 (smaller id than E3)
        { name: 'By G4', gstins: [gstin(4)] }, // 5: E3, which loses G3
        { name: 'Deleted PAN reused', pan: pan(9) }, // 6: created
        { name: 'N', pan: pan(5), gstins: [gstin(5)] }, // 7: created
        { name: 'N by G5', gstins: [gstin(5), gstin(6)] }, // 8: N (made by row 7)
        { name: 'N by G6', gstins: [gstin(6)], office: 'Pune' }, // 9: N (G6 added by row 8)
        { name: 'Nothing to match', tan: 'PNEA12345B' }, // 10: created
        { name: 'E1 takes G3', pan: pan(1), gstins: [gstin(3)] }, // 11: E1
        { name: 'Who has G3', gstins: [gstin(3)] }, // 12: E1 now (smallest id with G3)
      ]),
    );
    const ids = items.map((i) => i.id);
    expect(items.map((i) => [i.row, i.status])).toEqual([
      [2, 'updated'],
      [3, 'updated'],
      [4, 'updated'],
      [5, 'updated'],
      [6, 'created'],
      [7, 'created'],
      [8, 'updated'],
      [9, 'updated'],
      [10, 'created'],
      [11, 'updated'],
      [12, 'updated'],
    ]);
    expect(ids.slice(0, 4)).toEqual([e1.id, e1.id, e2.id, e3.id]);
    expect(ids[4]).not.toBe(gone.id);
    expect([ids[6], ids[7]]).toEqual([ids[5], ids[5]]);
    expect([ids[9], ids[10]]).toEqual([e1.id, e1.id]);

    const stored = await service.get(firmId, ids[5] as string);
    expect(stored).toMatchObject({ name: 'N by G6', pan: pan(5), gstins: [gstin(6)], office: 'Pune' });
    expect(await service.get(firmId, e3.id)).toMatchObject({ name: 'By G4', gstins: [gstin(4)] });
    expect(await service.get(firmId, e1.id)).toMatchObject({ name: 'Who has G3', gstins: [gstin(3)] });

    expect((await events(firmId)).slice(before)).toEqual([
      ['client.updated', e1.id, ['name']],
      ['client.updated', e2.id, ['name']],
      ['client.updated', e3.id, ['name', 'gstins']],
      ['client.created', ids[4], undefined],
      ['client.created', ids[5], undefined],
      ['client.updated', ids[5], ['name', 'gstins']],
      ['client.updated', ids[5], ['name', 'gstins', 'office']],
      ['client.created', ids[8], undefined],
      ['client.updated', e1.id, ['name', 'gstins']],
      ['client.updated', e1.id, ['name']],
    ]);
  });

  it('gives every row its own result across batches, and a row the database refuses fails alone', async () => {
    const firmId = uuidv7();
    const clients: Partial<CreateClientDto>[] = [];
    for (let i = 0; i < 700; i++) clients.push({ name: `C${i}`, pan: pan(i) });
    clients.push({ name: 'Bad \u0000 name', pan: pan(900) }); // PostgreSQL refuses NUL in text
    for (let i = 0; i < 700; i++) clients.push({ name: `C${i} again`, pan: pan(i) });
    const { items } = await service.bulk(firmId, rowsOf(clients, 0));

    expect(items.map((i) => i.row)).toEqual(clients.map((_, i) => i));
    expect(items[700]).toEqual({
      row: 700,
      status: 'error',
      errors: [{ field: 'client', message: 'could not be saved' }],
    });
    const created = items.slice(0, 700);
    const again = items.slice(701);
    expect(created.every((i) => i.status === 'created')).toBe(true);
    expect(again.map((i) => [i.status, i.id])).toEqual(created.map((i) => ['updated', i.id]));
    expect(new Set(created.map((i) => i.id)).size).toBe(700);

    const count: { n: number }[] = await ds.query(
      'SELECT count(*)::int AS n FROM clients WHERE firm_id = $1',
      [firmId],
    );
    expect(count[0].n).toBe(700);
    const announced = await events(firmId);
    expect(announced.filter(([t]) => t === 'client.created')).toHaveLength(700);
    expect(announced.filter(([t]) => t === 'client.updated')).toHaveLength(700);
    expect(await service.get(firmId, created[699].id as string)).toMatchObject({ name: 'C699 again' });
  });

  it('never duplicates a PAN when two requests upsert the same rows at once', async () => {
    const firmId = uuidv7();
    const rows = rowsOf(Array.from({ length: 50 }, (_, i) => ({ name: `D${i}`, pan: pan(2000 + i) })));
    const [a, b] = await Promise.all([service.bulk(firmId, rows), service.bulk(firmId, rows)]);
    for (const { items } of [a, b]) expect(items.map((i) => i.row)).toEqual(rows.map((r) => r.row));
    const statuses = [...a.items, ...b.items].map((i) => i.status);
    expect(statuses.filter((s) => s === 'created')).toHaveLength(50);
    expect(statuses.filter((s) => s === 'error')).toHaveLength(0);
    const count: { n: number }[] = await ds.query(
      'SELECT count(*)::int AS n FROM clients WHERE firm_id = $1',
      [firmId],
    );
    expect(count[0].n).toBe(50);
  });
});
