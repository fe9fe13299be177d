/** CPU time of processes and of the whole machine, from Linux /proc (clock ticks of 10 ms). */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) a live process has used so far (Linux /proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** The whole machine's busy and idle CPU seconds so far (Linux /proc/stat, all cores). */
export function machineCpuSeconds(): { busy: number; idle: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks.map(Number);
  return { busy: (user + nice + system + irq + softirq + steal) / 100, idle: (idle + iowait) / 100 };
}

/**
 * CPU seconds used so far by the processes named `comm` (Kafka's `java`, `postgres`), with what their exited
 * children used: PostgreSQL's postmaster collects each backend that ends (a pool closing an idle connection),
 * so the difference of two readings counts the backends that came and went between them too.
 */
export function cpuSecondsByName(comm: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== comm) continue;
      // After the command name: utime is field 14, stime 15, cutime 16, cstime 17 (state is field 3).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
    } catch {
      // the process exited meanwhile
    }
  }
  return total;
}

/** What `postgresCpuByApplication` needs of a PostgreSQL client (node-postgres' `Client`). */
interface Queryable {
  query<R>(sql: string): Promise<{ rows: R[] }>;
}

/**
 * CPU seconds used so far by the PostgreSQL backends of the client's database, summed by `application_name`
 * (every service names its connections; other databases, such as a CI run's, are left out). Backends must
 * run on this machine; one that exits before the next reading is missed.
 */
export async function postgresCpuByApplication(
  db: Queryable,
): Promise<Map<number, { app: string; cpu: number }>> {
  const { rows } = await db.query<{ pid: number; app: string }>(
    `SELECT pid, coalesce(nullif(application_name, ''), backend_type) AS app
       FROM pg_stat_activity WHERE datname = current_database()`,
  );
  const byPid = new Map<number, { app: string; cpu: number }>();
  for (const { pid, app } of rows) {
    const cpu = cpuSecondsOf(pid);
    if (!Number.isNaN(cpu)) byPid.set(pid, { app, cpu });
  }
  return byPid;
}

/** Per application, the CPU seconds its backends used between two `postgresCpuByApplication` readings. */
export function postgresCpuDelta(
  start: Map<number, { app: string; cpu: number }>,
  end: Map<number, { app: string; cpu: number }>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, { app, cpu }] of end) {
    // A backend born during the run counts from zero.
    const before = start.get(pid)?.cpu ?? 0;
    out[app] = Math.round(((out[app] ?? 0) + cpu - before) * 10) / 10;
  }
  return out;
}
