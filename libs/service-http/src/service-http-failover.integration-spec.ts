import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import type { ProblemException } from '@practice-sync/problems';

import { ServiceHttpClient } from './service-http-client';

/**
 * Two real instances of a service, each a process of its own, behind no load balancer: the client is given both
 * URLs. One is killed with SIGKILL (its sockets reset, then its port refuses) and the calls go on to the other;
 * a POST that may have reached the killed one is sent again only when it carries an Idempotency-Key.
 */
const SERVER = `
const http = require('node:http');
const name = process.argv[1];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    process.stdout.write(JSON.stringify({ at: name, method: req.method, url: req.url, key: req.headers['idempotency-key'] ?? null }) + '\\n');
    if (req.url === '/hang') return; // never answers: killed while it holds the call
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ at: name }));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + server.address().port + '\\n'));
`;

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  seen: { at: string; method: string; url: string; key: string | null }[];
}

async function startInstance(name: string): Promise<Instance> {
  const child = spawn(process.execPath, ['-e', SERVER, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  const seen: Instance['seen'] = [];
  let buffer = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('PORT ')) resolve(Number(line.slice(5)));
        else if (line) seen.push(JSON.parse(line) as Instance['seen'][number]);
      }
    });
  });
  return { name, url: `http://127.0.0.1:${port}`, child, seen };
}

async function kill(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  const exited = once(instance.child, 'exit');
  instance.child.kill('SIGKILL');
  await exited;
}

const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e as ProblemException).getStatus(),
  );

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('ServiceHttpClient over two real instances, one killed', () => {
  let a: Instance;
  let b: Instance;

  beforeEach(async () => {
    [a, b] = await Promise.all([startInstance('a'), startInstance('b')]);
  }, 60_000);

  afterEach(async () => {
    await Promise.all([kill(a), kill(b)]);
  });

  const client = () =>
    new ServiceHttpClient({
      name: 'svc',
      baseUrl: `${a.url},${b.url}`,
      timeoutMs: 10_000,
      retryDelayMs: 1,
    });

  it('shares the calls between both, then sends every call to the survivor once one is killed', async () => {
    const c = client();
    const before: string[] = [];
    for (let i = 0; i < 4; i++)
      before.push((await c.request<{ at: string }>({ method: 'GET', path: '/x' })).at);
    expect(before).toEqual(['a', 'b', 'a', 'b']);

    // Killed with keep-alive connections open to it: the next call to it meets a reset, later ones a refusal.
    await kill(a);
    const after: string[] = [];
    for (let i = 0; i < 6; i++)
      after.push((await c.request<{ at: string }>({ method: 'GET', path: '/x' })).at);
    expect(after).toEqual(['b', 'b', 'b', 'b', 'b', 'b']);
    // A POST goes straight to the survivor: the dead instance is passed over.
    await expect(c.request({ method: 'POST', path: '/create', body: {} })).resolves.toEqual({ at: 'b' });
  }, 60_000);

  it('a POST whose connection is refused goes to the other instance (it reached no server)', async () => {
    await kill(a);
    const c = client(); // its turn starts at a, which nothing has marked dead yet
    await expect(c.request({ method: 'POST', path: '/create', body: {} })).resolves.toEqual({ at: 'b' });
    // b logs a call on its stdout before it answers, but the pipe and the socket are read in either order.
    await until(() => b.seen.length >= 1, 'b to log the POST');
    expect(b.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /create']);
  }, 60_000);

  it('a POST in flight when its instance dies is not sent again without an Idempotency-Key', async () => {
    const c = client();
    const call = statusOf(c.request({ method: 'POST', path: '/hang', body: {} }));
    await until(() => a.seen.length === 1, 'a to hold the POST');
    await kill(a);
    expect(await call).toBe(503);
    // b never saw it: the dead instance may have acted on it, and a second copy could do it twice.
    expect(b.seen).toEqual([]);
  }, 60_000);

  it('a POST in flight when its instance dies is sent to the other one with the same Idempotency-Key', async () => {
    const c = client();
    const call = c.request({
      method: 'POST',
      path: '/hang',
      body: {},
      headers: { 'idempotency-key': 'run-42' },
    });
    call.catch(() => undefined);
    await until(() => a.seen.length === 1, 'a to hold the POST');
    await kill(a);
    // b holds it too (the server deduplicates on the key); it answers nothing for /hang, so kill b as well.
    await until(() => b.seen.length === 1, 'b to receive the POST');
    expect(b.seen[0]).toMatchObject({ method: 'POST', url: '/hang', key: 'run-42' });
    await kill(b);
    expect(await statusOf(call)).toBe(503);
  }, 60_000);
});
