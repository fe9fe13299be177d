import { dropDatabase, ensureDatabase, withDatabase } from '../infra/postgres';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database of its own for one test file (services use fixed schema names), dropped by `drop()`. */
export async function createScratchDatabase(serverUrl: string, name: string): Promise<ScratchDatabase> {
  const database = name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 60);
  if (!(await ensureDatabase(serverUrl, database))) throw new Error(`database ${database} already exists`);
  return { url: withDatabase(serverUrl, database), drop: () => dropDatabase(serverUrl, database) };
}
