import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot, stackDir } from '../infra/repo-root';
import { waitFor } from '../wait-for';
import { consoleDist, ensureConsoleBuilt } from './console-build';
import type { FirmWithAdmin } from './firm';
import { createFirmWithAdmin } from './firm';
import { isReady } from './http';
import { freePort, isAlive, readPid, runLogged, spawnLogged, stopPid, tail, writePid } from './processes';
import type { ServiceName, StackAccess, StackSettings } from './services';
import { SERVICE_NAMES, serviceEnv, SERVICES } from './services';

export interface StartStackOptions {
  /** Which processes to run (default: all, sandbox included). */
  services?: readonly ServiceName[];
  /** Defaults: the test run's KAFKA_BROKERS / DATABASE_URL / KAFKA_TOPIC_PREFIX (set by the jest global setup). */
  kafkaBrokers?: string;
  databaseUrl?: string;
  topicPrefix?: string;
  /** Default: a random key for this stack. */
  platformApiKey?: string;
  /** 'free' (default): ports the OS picks, so e2e never collides with a dev stack; 'default': 3000-3005, 3100. */
  ports?: 'free' | 'default';
  /** Logs go to `<logDir>/<logPrefix><service>.log` (default `.stack/logs/e2e-<service>.log`). */
  logDir?: string;
  logPrefix?: string;
  /** Leave the services running after this process exits, their pids in `pidDir` (what stack.sh does). */
  detached?: boolean;
  pidDir?: string;
  /** Use a service that already answers /health/ready on its port instead of starting another (stack.sh). */
  reuseRunning?: boolean;
  readyTimeoutMs?: number;
  logLevel?: string;
  /**
   * `required` (default): production's access rules, portal access granted through the public API. `lax`: jobs
   * for identifiers without stored access are fetched anyway; a test or benchmark that is not about access asks
   * for it explicitly.
   */
  access?: StackAccess;
  /** Extra variables for every service (e.g. feature flags a test needs); they override the stack's defaults. */
  env?: Record<string, string>;
  /**
   * Processes per service (default 1). A service scales out by running more processes against the same
   * database, topics and consumer groups (job leases use SKIP LOCKED, partitions are shared by the group);
   * each extra replica has its own port and log (`<service>-2.log`, …). `urls` names the first.
   */
  replicas?: Partial<Record<ServiceName, number>>;
  /**
   * Processes of every service but the sandbox (a stand-in for the portals, not part of the platform), e.g. `2`
   * to run the platform scaled out; `replicas` overrides it per service. Default 1.
   */
  instances?: number;
  onProgress?: (message: string) => void;
}

/** One process of a service: `connector-gst` (the first) or `connector-gst#2`, `#3`… (its extra replicas). */
export type InstanceName = ServiceName | `${ServiceName}#${number}`;

export interface StackInstance {
  /** What `kill` and `restart` take. */
  name: InstanceName;
  service: ServiceName;
  url: string;
  pid: number;
  alive: boolean;
  logFile: string;
}

export interface StackHandle {
  urls: Record<ServiceName, string>;
  gatewayUrl: string;
  sandboxUrl: string;
  platformApiKey: string;
  kafkaBrokers: string;
  databaseUrl: string;
  topicPrefix: string;
  logFile(service: ServiceName): string;
  /**
   * Process ids of the processes this handle started, by service (`connector-gst`) and extra replica
   * (`connector-gst#2`), for RSS and CPU sampling in benchmarks.
   */
  pids(): Record<string, number>;
  /** A new firm with an admin API key, created through the gateway with the platform key. */
  createFirmWithAdmin(name?: string): Promise<FirmWithAdmin>;
  /** Every process this handle runs or ran, by instance (`connector-gst`, `connector-gst#2`…), in start order. */
  instances(service?: ServiceName): StackInstance[];
  /**
   * SIGKILL to one process, as on a crash: nothing of it runs its shutdown. A service's name is its first
   * process; `<service>#2`… one of its extra replicas (`instances`, `replicas`). Resolves once the process is
   * gone. Only for a process this handle started.
   */
  kill(instance: InstanceName): Promise<void>;
  /**
   * Starts that process again (same port, environment and log, appended to) after `kill` or after it died, and
   * waits until it answers /health/ready (`{ waitReady: false }`: resolves once it is spawned; a connector works
   * its leased jobs before it is ready, which waits for its consumer group). Migrations are not run again.
   */
  restart(instance: InstanceName, options?: { waitReady?: boolean }): Promise<void>;
  /** Stops the processes this handle started (never ones it reused). */
  stop(): Promise<void>;
}

interface Started {
  name: ServiceName;
  /** `name`, or `name#2`… for an extra replica. */
  label: InstanceName;
  url: string;
  logFile: string;
  pid: number;
  exited: () => boolean;
  /** Resolves when the process has exited. */
  gone: Promise<void>;
  env: NodeJS.ProcessEnv;
  pidFile: string;
}

const NODE_TS = ['-r', '@swc-node/register'];

/** Runs `fn` over `items` with at most `limit` in flight; rejects with the first failure after all settle. */
async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      // After a failure, start nothing new: the caller is about to give up.
      if (errors.length) return;
      await fn(item).catch((e: unknown) => errors.push(e));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) throw errors[0];
}

function resolveSettings(opts: StartStackOptions) {
  return {
    access: opts.access ?? ('required' as StackAccess),
    kafkaBrokers: opts.kafkaBrokers ?? process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
    databaseUrl:
      opts.databaseUrl ?? process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/practice_sync',
    topicPrefix: opts.topicPrefix ?? process.env['KAFKA_TOPIC_PREFIX'] ?? '',
    platformApiKey: opts.platformApiKey ?? randomBytes(24).toString('base64url'),
    logLevel: opts.logLevel ?? process.env['STACK_LOG_LEVEL'] ?? 'info',
  };
}

/**
 * Runs migrations, starts the services as processes (`node -r @swc-node/register apps/<svc>/src/main.ts`) and
 * waits until each answers GET /health/ready with 200. Shared by `deploy/local/stack.sh` (detached, fixed ports)
 * and the e2e tests (children of the test process, free ports, the run's own database and topic prefix).
 */
export async function startStack(opts: StartStackOptions = {}): Promise<StackHandle> {
  const root = repoRoot();
  const names = SERVICE_NAMES.filter((n) => !opts.services || opts.services.includes(n));
  const logDir = opts.logDir ?? join(stackDir(), 'logs');
  const logPrefix = opts.logPrefix ?? 'e2e-';
  const pidDir = opts.pidDir ?? join(stackDir(), 'pids');
  const progress = opts.onProgress ?? (() => undefined);
  const logFile = (name: ServiceName) => join(logDir, `${logPrefix}${name}.log`);
  const base = resolveSettings(opts);

  for (const name of names) {
    const main = join(root, 'apps', name, 'src/main.ts');
    if (!existsSync(main)) throw new Error(`cannot start ${name}: ${main} does not exist`);
  }

  // Before the gateway starts (it refuses a CONSOLE_DIR without a built console), and before ports are picked,
  // so the build's seconds do not widen the window in which another process may take a picked port.
  const withGateway = names.includes('gateway');
  if (withGateway) await ensureConsoleBuilt(root, join(logDir, `${logPrefix}console-build.log`), progress);

  const urls = {} as Record<ServiceName, string>;
  const taken = new Set<number>();
  // The OS may hand out a port it just gave us again: two services on one port would let the second one's
  // readiness check be answered by the first.
  const newPort = async () => {
    let port: number;
    do port = await freePort();
    while (taken.has(port));
    taken.add(port);
    return port;
  };
  for (const name of SERVICE_NAMES) {
    const port = opts.ports === 'default' ? SERVICES[name].defaultPort : await newPort();
    taken.add(port);
    urls[name] = `http://127.0.0.1:${port}`;
  }
  for (const [name, n] of Object.entries(opts.replicas ?? {})) {
    if (!Number.isInteger(n) || (n ?? 0) < 1 || (n ?? 0) > 16) {
      throw new Error(`replicas.${name} must be a whole number from 1 to 16 (got ${n})`);
    }
  }
  if (
    opts.instances !== undefined &&
    (!Number.isInteger(opts.instances) || opts.instances < 1 || opts.instances > 16)
  ) {
    throw new Error(`instances must be a whole number from 1 to 16 (got ${opts.instances})`);
  }
  const processesOf = (name: ServiceName): number =>
    opts.replicas?.[name] ?? (name === 'portal-sandbox' ? 1 : (opts.instances ?? 1));
  // Every replica's port is picked before any service starts: each service's peers are given all of its
  // instances' URLs (there is no load balancer), so they fail over when one instance is killed.
  const instanceUrls: Partial<Record<ServiceName, string[]>> = {};
  for (const name of names) {
    instanceUrls[name] = [urls[name]];
    for (let replica = 2; replica <= processesOf(name); replica++)
      instanceUrls[name]!.push(`http://127.0.0.1:${await newPort()}`);
  }
  const settings: StackSettings = {
    ...base,
    urls,
    instanceUrls,
    ...(withGateway ? { consoleDir: consoleDist(root) } : {}),
  };
  // The test's own variables win over the stack's defaults, so a test can ask for production's credentials
  // mode (REQUIRE_CREDENTIALS=true, SANDBOX_REQUIRE_SESSIONS=true) where the default is lax.
  const envFor = (name: ServiceName): NodeJS.ProcessEnv => ({
    ...process.env,
    ...serviceEnv(name, settings),
    ...opts.env,
  });

  const started: Started[] = [];
  const readiness: Promise<void>[] = [];
  const children: number[] = [];
  const killChildren = () => children.forEach((pid) => isAlive(pid) && process.kill(pid, 'SIGKILL'));
  if (!opts.detached) process.once('exit', killChildren);

  // Set once stop() begins: a readiness wait still polling (a restart not waited for) ends at once.
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await Promise.all(started.map((s) => stopPid(s.pid)));
    if (!opts.detached) process.removeListener('exit', killChildren);
  };

  /** Migrations, then the process itself. Services own separate schemas, so they may migrate concurrently. */
  const launch = async (name: ServiceName) => {
    const file = logFile(name);
    const pidFile = join(pidDir, `${name}.pid`);
    if (opts.reuseRunning && (await isReady(urls[name]))) {
      progress(`${name}: already running at ${urls[name]}`);
      return;
    }
    if (opts.detached) {
      // A pid of ours that is alive but not ready is stuck or on another port: replace it.
      const old = readPid(pidFile);
      if (old !== undefined && isAlive(old)) await stopPid(old);
    }
    // A fresh log per start, so the tail printed on failure is this start's.
    mkdirSync(logDir, { recursive: true });
    writeFileSync(file, `--- ${new Date().toISOString()} ${name} ---\n`);
    if (SERVICES[name].migrates) {
      progress(`${name}: migrating`);
      const code = await runLogged(process.execPath, [...NODE_TS, `apps/${name}/src/migrate.ts`], {
        cwd: root,
        env: envFor(name),
        logFile: file,
      });
      if (code !== 0) throw new Error(`${name}: migrations failed (exit ${code}); ${file}:\n${tail(file)}`);
    }
    spawnProcess(name, name, urls[name], file, pidFile, envFor(name));
    for (let replica = 2; replica <= processesOf(name); replica++) {
      const url = instanceUrls[name]![replica - 1];
      const replicaLog = join(logDir, `${logPrefix}${name}-${replica}.log`);
      writeFileSync(replicaLog, `--- ${new Date().toISOString()} ${name} replica ${replica} ---\n`);
      const env = { ...envFor(name), PORT: new URL(url).port };
      spawnProcess(name, `${name}#${replica}`, url, replicaLog, join(pidDir, `${name}-${replica}.pid`), env);
    }
  };

  const spawnProcess = (
    name: ServiceName,
    label: InstanceName,
    url: string,
    file: string,
    pidFile: string,
    env: NodeJS.ProcessEnv,
  ): Started => {
    const child = spawnLogged(process.execPath, [...NODE_TS, `apps/${name}/src/main.ts`], {
      cwd: root,
      env,
      logFile: file,
      detached: !!opts.detached,
    });
    if (child.pid === undefined) throw new Error(`${label}: could not be spawned`);
    const pid = child.pid;
    if (opts.detached) writePid(pidFile, pid);
    else children.push(pid);
    const entry: Started = {
      name,
      label,
      url,
      logFile: file,
      pid,
      exited: () => child.exitCode !== null || child.signalCode !== null || !isAlive(pid),
      gone: new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      }),
      env,
      pidFile,
    };
    started.push(entry);
    progress(`${label}: started (pid ${pid}) on ${url}`);
    const ready = waitReady(entry);
    // Awaited below with the others; marked handled now so an early failure is not an unhandled rejection.
    ready.catch(() => undefined);
    readiness.push(ready);
    return entry;
  };

  const instanceOf = (instance: InstanceName): Started => {
    const entry = started.find((s) => s.label === instance);
    if (!entry) throw new Error(`${instance}: not started by this stack handle`);
    return entry;
  };

  const kill = async (instance: InstanceName) => {
    const entry = instanceOf(instance);
    if (!entry.exited()) process.kill(entry.pid, 'SIGKILL');
    await entry.gone;
    progress(`${instance}: killed (pid ${entry.pid})`);
  };

  const restart = async (instance: InstanceName, options: { waitReady?: boolean } = {}) => {
    const old = instanceOf(instance);
    if (!old.exited()) throw new Error(`${instance}: still running (pid ${old.pid}); kill it first`);
    started.splice(started.indexOf(old), 1);
    const pids = children.indexOf(old.pid);
    if (pids >= 0) children.splice(pids, 1);
    appendFileSync(old.logFile, `--- ${new Date().toISOString()} ${instance} restarted ---\n`);
    const again = spawnProcess(old.name, instance, old.url, old.logFile, old.pidFile, old.env);
    if (options.waitReady === false) return;
    await readiness[readiness.length - 1];
    if (again.exited()) throw new Error(`${instance}: exited right after its restart`);
  };

  const instances = (service?: ServiceName): StackInstance[] =>
    started
      .filter((s) => !service || s.name === service)
      .map((s) => ({
        name: s.label,
        service: s.name,
        url: s.url,
        pid: s.pid,
        alive: !s.exited(),
        logFile: s.logFile,
      }));

  const waitReady = async (s: Started) => {
    try {
      await waitFor(
        async () => {
          if (stopping) return true;
          if (s.exited()) throw new Error('EXITED');
          return isReady(s.url);
        },
        {
          timeoutMs: opts.readyTimeoutMs ?? 120_000,
          intervalMs: 250,
          description: `${s.label} ${s.url}/health/ready`,
        },
      );
    } catch (e) {
      const why = s.exited() ? 'exited before it was ready' : (e as Error).message;
      throw new Error(`${s.label}: ${why}; last lines of ${s.logFile}:\n${tail(s.logFile)}`);
    }
    progress(`${s.label}: ready`);
  };

  try {
    // At most 3 at once: each process compiles TypeScript on start, which is CPU-bound.
    await mapLimit(names, 3, launch);
    await Promise.all(readiness);
  } catch (e) {
    // A test run must not leave orphans; the dev stack keeps what runs so its logs and state can be inspected.
    if (!opts.detached) await stop();
    throw e;
  }
  return {
    urls,
    gatewayUrl: urls.gateway,
    sandboxUrl: urls['portal-sandbox'],
    platformApiKey: base.platformApiKey,
    kafkaBrokers: base.kafkaBrokers,
    databaseUrl: base.databaseUrl,
    topicPrefix: base.topicPrefix,
    logFile,
    pids: () => Object.fromEntries(started.map((s) => [s.label, s.pid])),
    instances,
    createFirmWithAdmin: (name = `Firm ${randomBytes(3).toString('hex')}`) =>
      createFirmWithAdmin(urls.gateway, base.platformApiKey, name),
    kill,
    restart,
    stop,
  };
}
