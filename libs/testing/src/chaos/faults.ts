import { Client } from 'pg';

import type { PrivateKafka } from '../infra/private-kafka';
import type { ServiceName } from '../stack/services';
import type { InstanceName, StackHandle } from '../stack/start-stack';
import type { PrivatePostgres } from './private-postgres';

/** When in a run a fault strikes. */
export type FaultPhase =
  /** While `POST /v1/sync-runs` is in flight (the client retries it with the same Idempotency-Key). */
  | 'creation'
  /** Right after the run is accepted, while the orchestrator plans its jobs. */
  | 'fan-out'
  /** Once a share of the run's work is finished (`midRunShare`, default 30%). */
  | 'mid-run';

export interface FaultContext {
  stack: StackHandle;
  /** The broker the stack uses, when the suite started one of its own (faults that restart it need it). */
  kafka?: PrivateKafka;
  /** The PostgreSQL cluster the stack uses, when the suite started one of its own. */
  postgres?: PrivatePostgres;
  /**
   * Services the fault itself stops: the suite's watch for crashed processes leaves them alone until the
   * fault resolves (it restarts anything else that died, and reports it).
   */
  owned: Set<ServiceName>;
  /** Resolves when the faulted run finished (or was given up as stuck): what a fault held `untilRunEnds` waits for. */
  runEnded?: Promise<void>;
}

/** A figure a fault measured, e.g. `connector-gst: restart → consuming` 3,800 ms. */
export interface Recovery {
  what: string;
  value: number;
  unit: 'ms' | 'connections';
}

/**
 * One fault of the suite. A new fault is one entry: a name, a phase and what it does to the stack (e.g. killing
 * one of two instances once the stack handle can address a replica).
 */
export interface Fault {
  name: string;
  phase: FaultPhase;
  /** Restarts the broker: the suite must run the stack on a private one. */
  needsPrivateKafka?: boolean;
  /** Restarts PostgreSQL: the suite must run the stack on a private cluster. */
  needsPrivatePostgres?: boolean;
  /** How long the stack needs after the run before the next fault's run is fair (e.g. breakers closing). */
  coolDownMs?: number;
  /** Processes per service the stack must run (default 1): a fault on one of several instances. */
  instances?: number;
  /**
   * The fault lasts until the run ended (e.g. an instance stays dead so its peers must carry the run alone): the
   * run's time is taken when it finished, not after the fault resolved, and "fault → progress" counts from the
   * strike.
   */
  untilRunEnds?: boolean;
  inject(ctx: FaultContext): Promise<Recovery[]>;
}

/**
 * SIGKILL of the service's process and a restart, `times` in a row (each kill as soon as the previous restart
 * is ready). Restart → ready is restart → consuming again: a service answers /health/ready only once every one
 * of its consumers has joined its group.
 */
export function killService(service: ServiceName, phase: FaultPhase, times = 1): Fault {
  return {
    name: `SIGKILL ${service}${times > 1 ? ` ×${times}` : ''} (${phase})`,
    phase,
    inject: async ({ stack, owned }) => {
      const recoveries: Recovery[] = [];
      owned.add(service);
      try {
        for (let i = 0; i < times; i++) {
          await stack.kill(service);
          const t = performance.now();
          // Boot (node, compiling TypeScript, Nest) is the process answering /health/live; ready comes after
          // its consumer groups joined.
          const live = firstAnswer(`${stack.urls[service]}/health/live`);
          await stack.restart(service);
          const ready = Math.round(performance.now() - t);
          live.stop();
          const booted = live.at === null ? ready : Math.round(live.at - t);
          recoveries.push({ what: `${service}: restart → serving`, value: booted, unit: 'ms' });
          recoveries.push({ what: `${service}: restart → consuming`, value: ready, unit: 'ms' });
        }
      } finally {
        owned.delete(service);
      }
      return recoveries;
    },
  };
}

/**
 * SIGKILL of instance `which` of a service that runs `of` processes, mid-run. It stays dead until the run has
 * finished, so the other instance must take its work over (its consumer-group partitions, its job leases, the
 * dispatch lock, the HTTP calls its peers sent it) and carry the run alone; then it is restarted, and its
 * restart → consuming is the time to rejoin groups its peer kept running.
 */
export function killInstance(
  service: ServiceName,
  which: number,
  of: number,
  phase: FaultPhase = 'mid-run',
): Fault {
  if (which < 1 || which > of) throw new Error(`killInstance: instance ${which} of ${of} does not exist`);
  const instance: InstanceName = which === 1 ? service : `${service}#${which}`;
  return {
    name: `SIGKILL ${service} ${which} of ${of} (${phase})`,
    phase,
    instances: of,
    untilRunEnds: true,
    inject: async ({ stack, owned, runEnded }) => {
      const url = stack.instances(service).find((i) => i.name === instance)?.url;
      if (!url) throw new Error(`${instance}: not running in this stack (start it with instances: ${of})`);
      owned.add(service);
      try {
        await stack.kill(instance);
        const down = performance.now();
        // At most 10 minutes (a suite without `runEnded`); the timer is cleared so it holds no process open.
        let cap: NodeJS.Timeout | undefined;
        await Promise.race([runEnded, new Promise((r) => (cap = setTimeout(r, 10 * 60_000)))]);
        clearTimeout(cap);
        const t = performance.now();
        const live = firstAnswer(`${url}/health/live`);
        await stack.restart(instance);
        const ready = Math.round(performance.now() - t);
        live.stop();
        return [
          { what: `${instance}: dead for`, value: Math.round(t - down), unit: 'ms' },
          {
            what: `${instance}: restart → serving`,
            value: live.at === null ? ready : Math.round(live.at - t),
            unit: 'ms',
          },
          { what: `${instance}: restart → consuming`, value: ready, unit: 'ms' },
        ];
      } finally {
        owned.delete(service);
      }
    },
  };
}

/** Polls `url` every 100 ms and records when it first answered 200 (`at`, performance.now()). */
function firstAnswer(url: string): { at: number | null; stop(): void } {
  const state = { at: null as number | null, stopped: false };
  void (async () => {
    while (!state.stopped && state.at === null) {
      const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) state.at = performance.now();
      else await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    get at() {
      return state.at;
    },
    stop: () => {
      state.stopped = true;
    },
  };
}

/** The stack's broker stopped (as an operator or a node drain stops it) and started again on its data. */
export function restartBroker(phase: FaultPhase): Fault {
  return {
    name: `Kafka broker restart (${phase})`,
    phase,
    needsPrivateKafka: true,
    inject: async ({ kafka }) => {
      if (!kafka) throw new Error('restartBroker: the suite runs no private broker (needsPrivateKafka)');
      return [{ what: 'broker: stop → ready again', value: await kafka.restart(), unit: 'ms' }];
    },
  };
}

/** The stack's PostgreSQL cluster restarted (`pg_ctl restart -m fast`: every session ends, the data stays). */
export function restartDatabase(phase: FaultPhase): Fault {
  return {
    name: `PostgreSQL restart (${phase})`,
    phase,
    needsPrivatePostgres: true,
    inject: async ({ postgres, stack }) => {
      if (!postgres)
        throw new Error('restartDatabase: the suite runs no private cluster (needsPrivatePostgres)');
      const before = await Promise.all(KILLABLE.map((s) => workDone(stack.urls[s])));
      const restartMs = await postgres.restart();
      const back = performance.now();
      const recoveries: Recovery[] = [{ what: 'PostgreSQL: restart', value: restartMs, unit: 'ms' }];
      // Per service, PostgreSQL back → readiness green and → its work counters growing again. Measured after the
      // fault returns (the run goes on meanwhile): the figures join the row as they come, within 2 minutes.
      KILLABLE.forEach((service, i) => {
        const url = stack.urls[service];
        void untilWithin(120_000, () => isReadyAt(url)).then((ok) => {
          if (ok) recoveries.push({ what: `${service}: DB back → ready`, value: since(back), unit: 'ms' });
        });
        void untilWithin(120_000, async () => (await workDone(url)) > before[i]).then((ok) => {
          if (ok)
            recoveries.push({ what: `${service}: DB back → consuming`, value: since(back), unit: 'ms' });
        });
      });
      return recoveries;
    },
  };
}

const since = (t: number) => Math.round(performance.now() - t);

async function isReadyAt(url: string): Promise<boolean> {
  return fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) })
    .then((r) => r.ok)
    .catch(() => false);
}

/** Polls `check` every 100 ms until it is true (true) or `ms` have passed (false). */
async function untilWithin(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * A service's work so far, from its /metrics: messages it consumed (handled, not duplicates or DLQ) plus jobs a
 * connector finished; -1 when it does not answer.
 */
async function workDone(url: string): Promise<number> {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })
    .then((r) => (r.ok ? r.text() : ''))
    .catch(() => '');
  if (!text) return -1;
  let n = 0;
  for (const line of text.split('\n')) {
    if (
      (line.startsWith('messaging_consumed_total{') && line.includes('result="handled"')) ||
      line.startsWith('connector_jobs_total{')
    )
      n += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return n;
}

/**
 * Every connection to the stack's own database ended by `pg_terminate_backend` (as a failover or an
 * administrator does), `times` in a row a second apart. Only the stack's database: never other runs'.
 */
export function terminateDatabaseConnections(phase: FaultPhase, times = 1): Fault {
  return {
    name: `PostgreSQL connections terminated${times > 1 ? ` ×${times}` : ''} (${phase})`,
    phase,
    inject: async ({ stack }) => {
      const database = new URL(stack.databaseUrl).pathname.slice(1);
      const recoveries: Recovery[] = [];
      for (let i = 0; i < times; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 1000));
        const db = new Client({ connectionString: stack.databaseUrl });
        await db.connect();
        try {
          const { rows } = await db.query<{ n: string }>(
            `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity
              WHERE datname = $1 AND pid <> pg_backend_pid()`,
            [database],
          );
          recoveries.push({ what: 'terminated', value: Number(rows[0].n), unit: 'connections' });
        } finally {
          await db.end();
        }
      }
      return recoveries;
    },
  };
}

/** A portal family down (connections reset without an answer) for `ms`, then back. */
export function portalOutage(portal: 'gst' | 'itr' | 'esign', ms: number, phase: FaultPhase): Fault {
  return {
    name: `${portal} portal outage ${Math.round(ms / 1000)} s (${phase})`,
    phase,
    // The connectors' breakers for the portal stay open BREAKER_RESET_TIMEOUT_MS (30 s) after the outage: the
    // next fault's run must not start into them.
    coolDownMs: 35_000,
    inject: async ({ stack }) => {
      const set = async (outage: boolean) => {
        const res = await fetch(`${stack.sandboxUrl}/_sandbox/faults/${portal}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ outage }),
        });
        if (!res.ok) throw new Error(`sandbox faults/${portal} answered ${res.status}: ${await res.text()}`);
      };
      await set(true);
      try {
        await new Promise((r) => setTimeout(r, ms));
      } finally {
        await set(false);
      }
      return [];
    },
  };
}

/** No fault: a second clean run, to show the comparison itself finds nothing (and the run-to-run spread). */
export const NO_FAULT: Fault = { name: 'none (control)', phase: 'mid-run', inject: async () => [] };

/** Services whose SIGKILL the suite covers. */
export const KILLABLE: readonly ServiceName[] = [
  'connector-gst',
  'connector-itr',
  'connector-esign',
  'sync-orchestrator',
  'client-master',
  'gateway',
];

/** Services whose instances the two-instance faults kill: every one that scales out, each connector included. */
export const SCALED: readonly ServiceName[] = [
  'gateway',
  'client-master',
  'sync-orchestrator',
  'connector-gst',
  'connector-itr',
  'connector-esign',
  'connector-books',
];

/**
 * Every fault `npm run chaos` runs on a stack of `instances` processes per service: one instance each, the
 * faults above; two or more, the control and SIGKILL of instance 1 and of instance 2 of each service.
 */
export function allFaults(instances = 1): Fault[] {
  if (instances >= 2)
    return [
      NO_FAULT,
      ...SCALED.flatMap((s) => [killInstance(s, 1, instances), killInstance(s, 2, instances)]),
    ];
  return [
    NO_FAULT,
    ...KILLABLE.map((s) => killService(s, 'mid-run')),
    killService('gateway', 'creation'),
    killService('sync-orchestrator', 'creation'),
    killService('sync-orchestrator', 'fan-out'),
    killService('client-master', 'fan-out'),
    killService('connector-gst', 'mid-run', 2),
    killService('sync-orchestrator', 'mid-run', 2),
    killService('client-master', 'mid-run', 2),
    terminateDatabaseConnections('mid-run'),
    terminateDatabaseConnections('fan-out'),
    restartBroker('mid-run'),
    restartDatabase('mid-run'),
    portalOutage('gst', 10_000, 'mid-run'),
  ];
}
