import type { ServiceName } from '../stack/services';
import type { InstanceName, StackHandle, StackInstance } from '../stack/start-stack';
import { allFaults, killInstance, SCALED } from './faults';

/** A stack handle that only records kills and restarts (no process): the fault's order of work is the subject. */
function fakeStack(service: ServiceName, instances: number) {
  const calls: string[] = [];
  const list: StackInstance[] = Array.from({ length: instances }, (_, i) => ({
    name: (i === 0 ? service : `${service}#${i + 1}`) as InstanceName,
    service,
    url: 'http://127.0.0.1:9', // nothing listens: restart → serving falls back to restart → ready
    pid: 1000 + i,
    alive: true,
    logFile: '/dev/null',
  }));
  const stack = {
    instances: (s?: ServiceName) => list.filter((i) => !s || i.service === s),
    kill: async (i: InstanceName) => void calls.push(`kill ${i}`),
    restart: async (i: InstanceName) => void calls.push(`restart ${i}`),
  } as unknown as StackHandle;
  return { stack, calls };
}

describe('two-instance faults', () => {
  it('kill one instance, keep it dead until the run ended, then restart it and report the figures', async () => {
    const { stack, calls } = fakeStack('connector-gst', 2);
    const owned = new Set<ServiceName>();
    let endRun!: () => void;
    const runEnded = new Promise<void>((r) => (endRun = r));
    const fault = killInstance('connector-gst', 2, 2);
    expect(fault).toMatchObject({
      name: 'SIGKILL connector-gst 2 of 2 (mid-run)',
      instances: 2,
      untilRunEnds: true,
    });

    const done = fault.inject({ stack, owned, runEnded });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual(['kill connector-gst#2']);
    expect(owned.has('connector-gst')).toBe(true); // the suite's supervisor leaves it dead
    endRun();
    const recoveries = await done;
    expect(calls).toEqual(['kill connector-gst#2', 'restart connector-gst#2']);
    expect(owned.size).toBe(0);
    expect(recoveries.map((r) => r.what)).toEqual([
      'connector-gst#2: dead for',
      'connector-gst#2: restart → serving',
      'connector-gst#2: restart → consuming',
    ]);
  });

  it('names an instance the stack does not run', async () => {
    const { stack } = fakeStack('gateway', 1);
    await expect(
      killInstance('gateway', 2, 2).inject({ stack, owned: new Set(), runEnded: Promise.resolve() }),
    ).rejects.toThrow('gateway#2: not running in this stack (start it with instances: 2)');
    expect(() => killInstance('gateway', 3, 2)).toThrow('instance 3 of 2 does not exist');
  });

  it('--instances 2 runs the control and instance 1 and 2 of every service; one instance keeps the old list', () => {
    const names = allFaults(2).map((f) => f.name);
    expect(names[0]).toBe('none (control)');
    expect(names).toHaveLength(1 + SCALED.length * 2);
    for (const s of ['gateway', 'client-master', 'sync-orchestrator', 'connector-books'])
      expect(names).toEqual(
        expect.arrayContaining([`SIGKILL ${s} 1 of 2 (mid-run)`, `SIGKILL ${s} 2 of 2 (mid-run)`]),
      );
    expect(allFaults(1).some((f) => f.instances)).toBe(false);
  });
});
