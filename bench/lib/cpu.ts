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

/** CPU seconds used so far by the processes named `comm` (Kafka's `java`, `postgres`); exited ones are missed. */
export function cpuSecondsByName(comm: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === comm)
        total += cpuSecondsOf(Number(entry));
    } catch {
      // the process exited meanwhile
    }
  }
  return total;
}
