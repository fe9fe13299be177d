/**
 * Preload (`NODE_OPTIONS=--require bench/lib/heap-probe.js`, HEAP_PROBE_DIR=<dir>): where a service's memory is.
 * Every HEAP_PROBE_EVERY_MS (1000) it appends `process.memoryUsage()` (rss, heapTotal, heapUsed, external,
 * arrayBuffers, bytes) to `<dir>/<service>-<pid>.jsonl`; on SIGWINCH it runs a full, compacting GC (the
 * inspector's `HeapProfiler.collectGarbage`) and appends the figures after it (`"gc": true`), and with
 * HEAP_PROBE_SNAPSHOT=true writes a heap snapshot beside them. Measurement only: nothing of it ships.
 */
const { Session } = require('node:inspector');
const { appendFileSync, mkdirSync } = require('node:fs');
const { join, basename, dirname } = require('node:path');
const v8 = require('node:v8');

const dir = process.env.HEAP_PROBE_DIR;
const main = process.argv[1] ?? '';
const isService = /apps\/[^/]+\/src\/main\.ts$/.test(main);
if (dir && isService) {
  const service = basename(dirname(dirname(main)));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${service}-${process.pid}.jsonl`);
  const started = Date.now();
  const write = (extra) => {
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ t: (Date.now() - started) / 1000, ...m, ...extra })}\n`);
  };
  const timer = setInterval(write, Number(process.env.HEAP_PROBE_EVERY_MS ?? 1000));
  timer.unref();
  const session = new Session();
  session.connect();
  process.on('SIGWINCH', () => {
    session.post('HeapProfiler.collectGarbage', () => {
      write({
        gc: true,
        heapSpaces: v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]),
      });
      if (process.env.HEAP_PROBE_SNAPSHOT === 'true') {
        v8.writeHeapSnapshot(join(dir, `${service}-${process.pid}-${Date.now()}.heapsnapshot`));
        write({ snapshot: true });
      }
    });
  });
}
