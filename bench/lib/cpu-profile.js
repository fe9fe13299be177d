/**
 * Preload (`NODE_OPTIONS=--require bench/lib/cpu-profile.js`, CPU_PROFILE_DIR=<dir>): samples the process with
 * the V8 profiler from start and writes `<dir>/<service>-<pid>.cpuprofile` on SIGUSR2 (the bench sends it
 * before stopping the stack; `--cpu-prof` itself is refused in NODE_OPTIONS). Open the file in Chrome DevTools
 * or speedscope for a flame graph, or summarise it with `node -r @swc-node/register bench/lib/profile-top.ts`.
 */
const { Session } = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const { join, basename, dirname } = require('node:path');

const dir = process.env.CPU_PROFILE_DIR;
const main = process.argv[1] ?? '';
const isService = /apps\/[^/]+\/src\/main\.ts$/.test(main);
if (dir && isService) {
  const service = basename(dirname(dirname(main)));
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
