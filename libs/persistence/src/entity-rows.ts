import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

interface ColumnShape {
  property: string;
  column: string;
  /** json/jsonb: written as JSON text (node-postgres would send a JS array as a PostgreSQL array). */
  json: boolean;
}

const JSON_TYPES = new Set(['json', 'jsonb']);
const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** One row's update: `EntityRows.of(…).patch(id, patch)`. */
export interface RowPatch {
  rows: EntityRows<ObjectLiteral>;
  id: string;
  patch: Partial<ObjectLiteral>;
}

/**
 * An entity's rows through plain SQL, for hot paths where TypeORM's query builder and hydration cost more
 * than the statement: the column list, the row → entity mapping and a patch's UPDATE, built once from
 * TypeORM's own metadata (so a column added to the entity is read and written here too, and the schema-drift
 * specs keep entity and migrations equal). Plain columns only, one-column primary key, no transformers:
 * `of` refuses an entity with anything else rather than map it wrongly.
 */
export class EntityRows<E extends ObjectLiteral> {
  private static readonly cache = new WeakMap<EntityMetadata, EntityRows<ObjectLiteral>>();

  /** The table, quoted (with its schema when the data source names one). */
  readonly table: string;
  private readonly columns: ColumnShape[];
  private readonly byProperty: Map<string, ColumnShape>;
  private readonly primary: ColumnShape;

  private constructor(private readonly metadata: EntityMetadata) {
    const unsupported = metadata.columns.filter(
      (c) => c.transformer !== undefined || c.embeddedMetadata !== undefined || c.isVirtual,
    );
    if (unsupported.length > 0 || metadata.primaryColumns.length !== 1) {
      throw new Error(
        `EntityRows: ${metadata.name} has ${unsupported.length ? `columns it cannot map (${unsupported.map((c) => c.propertyName).join(', ')})` : 'a composite primary key'}; use TypeORM's repository for it`,
      );
    }
    this.table = metadata.tablePath.split('.').map(quote).join('.');
    this.columns = metadata.columns.map((c) => ({
      property: c.propertyName,
      column: c.databaseName,
      json: JSON_TYPES.has(String(c.type)),
    }));
    this.byProperty = new Map(this.columns.map((c) => [c.property, c]));
    this.primary = this.byProperty.get(metadata.primaryColumns[0].propertyName) as ColumnShape;
  }

  static of<E extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<E>): EntityRows<E> {
    const metadata = manager.connection.getMetadata(target);
    let rows = EntityRows.cache.get(metadata);
    if (!rows) {
      rows = new EntityRows(metadata);
      EntityRows.cache.set(metadata, rows);
    }
    return rows as unknown as EntityRows<E>;
  }

  /**
   * `alias."column" AS "<prefix>column", …` for every column, or for `properties` only: one SELECT can read
   * several entities, or the few columns a hot read needs.
   */
  selectList(alias: string, prefix = '', properties?: readonly (keyof E & string)[]): string {
    const columns = properties ? properties.map((p) => this.column(p)) : this.columns;
    return columns.map((c) => `${alias}.${quote(c.column)} AS ${quote(prefix + c.column)}`).join(', ');
  }

  /**
   * The entity from a row read with `selectList`; null when its key is null (a LEFT JOIN that found none).
   * Columns the row does not carry are left unset.
   */
  fromRow(row: Record<string, unknown>, prefix = ''): E | null {
    if (row[prefix + this.primary.column] == null) return null;
    const entity = this.metadata.create() as E;
    for (const c of this.columns) {
      const key = prefix + c.column;
      if (key in row) (entity as Record<string, unknown>)[c.property] = row[key];
    }
    return entity;
  }

  /**
   * The one row `where` picks (a condition on the table's alias `t`, with `$n` parameters), or null. `suffix`
   * follows the WHERE (`FOR UPDATE`, say); `properties` limits the columns read (the key is always read).
   * More than one matching row is an error.
   */
  async one(
    manager: EntityManager,
    where: string,
    params: readonly unknown[],
    options: { suffix?: string; properties?: readonly (keyof E & string)[] } = {},
  ): Promise<E | null> {
    const properties = options.properties && [
      ...new Set([this.primary.property as keyof E & string, ...options.properties]),
    ];
    const rows = (await manager.query(
      `SELECT ${this.selectList('t', '', properties)} FROM ${this.table} t WHERE ${where}${options.suffix ? ` ${options.suffix}` : ''}`,
      [...params],
    )) as Record<string, unknown>[];
    if (rows.length > 1) {
      throw new Error(`EntityRows: ${this.metadata.name}: ${rows.length} rows match "${where}"`);
    }
    return rows.length === 1 ? this.fromRow(rows[0]) : null;
  }

  /**
   * `UPDATE … SET` the patch's defined properties (undefined ones are left alone, as TypeORM's `update`
   * does) of the row with this key, in the caller's transaction. An unknown property is an error.
   */
  async update(manager: EntityManager, id: string, patch: Partial<E>): Promise<void> {
    await EntityRows.updateTogether(manager, [this.patch(id, patch)]);
  }

  /** A row's patch, for `updateTogether`. */
  patch(id: string, patch: Partial<E>): RowPatch {
    return { rows: this as unknown as EntityRows<ObjectLiteral>, id, patch };
  }

  /**
   * Several rows' patches (of one table or several) in ONE statement: the first ones as data-modifying CTEs,
   * which PostgreSQL runs exactly once each, the last as the statement itself. One round trip instead of one
   * per row, on hot paths that write a few rows together (a job and its run). Empty patches are skipped.
   */
  static async updateTogether(manager: EntityManager, patches: readonly RowPatch[]): Promise<void> {
    const params: unknown[] = [];
    const updates: string[] = [];
    for (const { rows, id, patch } of patches) {
      const sets: string[] = [];
      for (const [property, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        const c = rows.column(property);
        params.push(c.json && value !== null ? JSON.stringify(value) : value);
        sets.push(`${quote(c.column)} = $${params.length}`);
      }
      if (sets.length === 0) continue;
      params.push(id);
      updates.push(
        `UPDATE ${rows.table} SET ${sets.join(', ')} WHERE ${quote(rows.primary.column)} = $${params.length}`,
      );
    }
    if (updates.length === 0) return;
    const last = updates.pop() as string;
    const ctes = updates.map((u, i) => `u${i} AS (${u})`);
    await manager.query(ctes.length ? `WITH ${ctes.join(', ')} ${last}` : last, params);
  }

  private column(property: string): ColumnShape {
    const c = this.byProperty.get(property);
    if (!c) throw new Error(`EntityRows: ${this.metadata.name} has no column for property "${property}"`);
    return c;
  }
}
