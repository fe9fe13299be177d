/**
 * `npm run chaos`: the whole stack as processes (its own database and topic prefix, on a private broker on
 * CHAOS_KAFKA_PORT, default 19092, when a fault restarts the broker; on a private PostgreSQL cluster on
 * CHAOS_PG_PORT, default 15433, when a fault restarts the database), a clean run of a bucket, then every fault
 * of `allFaults()` against a run of the same bucket; prints lost / duplicated / stuck / differs, the slowdown
 * against the clean run and each restarted service's time to consuming again, and writes the table to
 * `.stack/chaos/<date>.md`. Figures, not assertions (the CI subset is apps/e2e/src/chaos.e2e-spec.ts).
 *
 * CHAOS_SCALE: clients in the bucket (default 40, 10 jobs each). CHAOS_FAULTS: a regular expression choosing
 * faults by name (e.g. `SIGKILL|broker`). CHAOS_STUCK_MS: how long a faulted run may stay unfinished after its
 * fault before its open jobs count as stuck (default 300000). CHAOS_READY_MS: how long the stack may take to be ready
 * (default 600000). DATABASE_URL: the PostgreSQL server (a scratch
 * database is created on it and dropped at the end).
 *
 * Options (after `npm run chaos --`): `--instances N` runs N processes of every service (the sandbox aside)
 * with each service's peers given all N URLs, and the two-instance faults: SIGKILL of instance 1 of N and of
 * instance 2 of N of each service mid-run, held dead until the run ends (CHAOS_INSTANCES does the same).
 * `--faults REGEX` chooses faults by name like CHAOS_FAULTS; `--list` prints the fault names and exits.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { PrivateKafka, PrivatePostgres } from '@practice-sync/testing';
import {
  allFaults,
  chaosTable,
  createScratchDatabase,
  FAST_RUN_ENV,
  repoRoot,
  runChaos,
  startPrivateKafka,
  startPrivatePostgres,
  startStack,
  withDatabase,
} from '@practice-sync/testing';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${name}=${raw}: must be a whole number above 0 (e.g. ${name}=${fallback})`);
  }
  return n;
}

/** `--instances 2`, `--faults=SIGKILL`, `--list`: into the environment variables they stand for. */
function readArgs(argv: readonly string[]): { list: boolean } {
  const names: Record<string, string> = { '--instances': 'CHAOS_INSTANCES', '--faults': 'CHAOS_FAULTS' };
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--list') {
      list = true;
      continue;
    }
    const variable = names[flag];
    if (!variable) throw new Error(`${argv[i]}: unknown option (use --instances N, --faults REGEX, --list)`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--'))
      throw new Error(
        `${flag}: needs a value (e.g. ${flag === '--instances' ? '--instances 2' : '--faults SIGKILL'})`,
      );
    process.env[variable] = value;
  }
  return { list };
}

async function main(): Promise<void> {
  const { list } = readArgs(process.argv.slice(2));
  const clients = positiveInt('CHAOS_SCALE', 40);
  const stuckAfterMs = positiveInt('CHAOS_STUCK_MS', 300_000);
  const instances = positiveInt('CHAOS_INSTANCES', 1);
  if (instances > 16) throw new Error(`CHAOS_INSTANCES=${instances}: at most 16 processes per service`);
  const pattern = process.env['CHAOS_FAULTS'];
  let choose: RegExp | undefined;
  try {
    choose = pattern ? new RegExp(pattern, 'i') : undefined;
  } catch (e) {
    throw new Error(`CHAOS_FAULTS=${pattern}: not a regular expression (${(e as Error).message})`);
  }
  const faults = allFaults(instances).filter((f) => !choose || choose.test(f.name));
  if (list) {
    for (const f of faults) console.log(f.name);
    return;
  }
  if (!faults.length)
    throw new Error(
      `CHAOS_FAULTS=${pattern} matches none of: ${allFaults(instances)
        .map((f) => f.name)
        .join('; ')}`,
    );
  const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

  const stamp = Date.now();
  let postgres: PrivatePostgres | undefined;
  if (faults.some((f) => f.needsPrivatePostgres)) {
    const port = positiveInt('CHAOS_PG_PORT', 15433);
    log(`starting a private PostgreSQL cluster on ${port}`);
    postgres = await startPrivatePostgres({ port });
  }
  const server =
    postgres?.serverUrl ??
    withDatabase(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'postgres');
  const db = await createScratchDatabase(server, `chaos_${stamp}`).catch(async (e: unknown) => {
    await postgres?.stop();
    throw e;
  });
  let kafka: PrivateKafka | undefined;
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  try {
    if (faults.some((f) => f.needsPrivateKafka)) {
      const port = positiveInt('CHAOS_KAFKA_PORT', 19092);
      log(`starting a private broker on ${port}`);
      kafka = await startPrivateKafka({ port, libDir: process.env['CHAOS_KAFKA_LIB'] });
    }
    const kafkaBrokers = kafka?.brokers.join(',') ?? process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
    log(
      `starting the stack (database chaos_${stamp}, brokers ${kafkaBrokers}` +
        `${instances > 1 ? `, ${instances} instances of every service` : ''})`,
    );
    stack = await startStack({
      instances,
      access: 'lax',
      databaseUrl: db.url,
      kafkaBrokers,
      topicPrefix: `chaos${stamp}.`,
      logPrefix: 'chaos-',
      env: { ...FAST_RUN_ENV },
      // Every process compiles TypeScript and joins its consumer groups at once: minutes on a busy machine.
      readyTimeoutMs: positiveInt('CHAOS_READY_MS', 600_000),
      onProgress: (m) => log(m),
    });
    const report = await runChaos({ stack, kafka, postgres, clients, faults, stuckAfterMs, log });
    const table = chaosTable(report);
    console.log(`\n${table}\n`);
    const dir = join(repoRoot(), '.stack', 'chaos');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, `${new Date().toISOString().slice(0, 10)}-${stamp}.md`);
    writeFileSync(
      out,
      `${clients} clients; ${instances} instance${instances > 1 ? 's' : ''} per service; ` +
        `${new Date().toISOString()}\n\n${table}\n`,
    );
    console.log(`written to ${out}`);
  } finally {
    await stack?.stop();
    await kafka?.destroy().catch((e: Error) => log(`private broker: ${e.message}`));
    await db.drop().catch(() => undefined);
    await postgres?.stop().catch((e: Error) => log(`private PostgreSQL: ${e.message}`));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
