/**
 * Portal sandbox figures: start-up time of the real process (spawn → /health/ready) with nothing generated
 * in advance, its memory then, and requests per second at zero latency over many distinct identifiers.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { gstinCheckCharacter } from '@practice-sync/contracts';

const ROOT = join(__dirname, '..');
const CONCURRENCY = 32;
const DURATION_MS = 4000;
const IDENTIFIERS = 1000;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

function get(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitReady(port: number, child: ChildProcess): Promise<void> {
  const agent = new Agent();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sandbox exited with ${child.exitCode}`);
    const status = await get(agent, port, '/health/ready').catch(() => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const rssMb = (pid: number): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
};

function gstin(n: number): string {
  const first14 = `27AAACR${String(n).padStart(4, '0')}K1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

/** Runs CONCURRENCY loops for DURATION_MS over `paths`; answers requests per second (non-2xx counted apart). */
async function load(port: number, paths: string[]): Promise<{ rps: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let done = 0;
  let errors = 0;
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (Date.now() - started < DURATION_MS) {
      const status = await get(agent, port, paths[next++ % paths.length]);
      if (status >= 400) errors++;
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return { rps: Math.round(done / ((Date.now() - started) / 1000)), errors };
}

export async function run() {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/portal-sandbox/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'silent',
      SANDBOX_GST_ENCRYPTION: 'off',
      SANDBOX_REQUIRE_SESSIONS: 'false',
      SANDBOX_START_AT: '2025-11-20T10:00:00Z',
    },
    stdio: 'ignore',
  });
  try {
    await waitReady(port, child);
    const startupMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
    const pid = child.pid ?? 0;
    const rssAtStart = rssMb(pid);
    const ids = Array.from({ length: IDENTIFIERS }, (_, i) => i);
    const light = await load(
      port,
      ids.map((i) => `/itr/portal/v1/filing-status?pan=AAAPL${String(i).padStart(4, '0')}C`),
    );
    const mixed = await load(
      port,
      ids.flatMap((i) => [
        `/gst/taxpayerapi/v4.0/returns/gstr2b?action=GET2B&gstin=${gstin(i)}&rtnprd=092025&file_num=1`,
        `/itr/portal/v1/filing-status?pan=AAAPL${String(i).padStart(4, '0')}C`,
        `/esign/api/v1/client-files/file-${i}/signing-requests`,
      ]),
    );
    const how = `${CONCURRENCY} keep-alive clients, ${DURATION_MS / 1000} s, ${IDENTIFIERS} identifiers, latency 0`;
    return [
      {
        name: 'start-up (spawn → /health/ready)',
        value: startupMs,
        unit: 'ms',
        note: 'node + swc transpile + Nest boot; no data generated',
      },
      {
        name: 'memory after start-up',
        value: rssAtStart,
        unit: 'MB RSS',
        note: 'the world is generated lazily per request',
      },
      { name: 'ITR filing-status', value: light.rps, unit: 'req/s', note: `${how}; ${light.errors} errors` },
      {
        name: 'mix GST 2B page / ITR / e-sign',
        value: mixed.rps,
        unit: 'req/s',
        note: `${how}; ${mixed.errors} errors`,
      },
      { name: 'memory after load', value: rssMb(pid), unit: 'MB RSS', note: 'LRU of 256 invoice documents' },
    ];
  } finally {
    child.kill('SIGTERM');
  }
}
