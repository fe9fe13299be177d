import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

interface Endpoint {
  socketPath?: string;
  host?: string;
  port?: number;
}

function candidates(): Endpoint[] {
  const dockerHost = process.env['DOCKER_HOST'];
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) return [{ socketPath: dockerHost.slice('unix://'.length) }];
    const u = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return [{ host: u.hostname, port: Number(u.port || 2375) }];
  }
  const runtimeDir = process.env['XDG_RUNTIME_DIR'];
  const sockets = [
    '/var/run/docker.sock',
    join(homedir(), '.docker/run/docker.sock'),
    join(homedir(), '.docker/desktop/docker.sock'),
    ...(runtimeDir ? [join(runtimeDir, 'docker.sock'), join(runtimeDir, 'podman/podman.sock')] : []),
    '/run/podman/podman.sock',
  ];
  return sockets.filter((s) => existsSync(s)).map((socketPath) => ({ socketPath }));
}

function ping(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * True when a Docker-compatible engine answers its API (`GET /_ping`). The `docker` client being installed
 * proves nothing: on machines without an engine the client exists but no container can start.
 */
export async function containerRuntimeAnswers(timeoutMs = 1500): Promise<boolean> {
  for (const endpoint of candidates()) {
    if (await ping(endpoint, timeoutMs)) return true;
  }
  return false;
}
