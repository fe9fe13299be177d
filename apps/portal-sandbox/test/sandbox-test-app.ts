import type { INestApplication } from '@nestjs/common';

import { createSandboxApp } from '../src/app.setup';
import { loadSandboxConfig } from '../src/config/sandbox.config';

/** The compatibility mode the connectors use until they implement sessions: plain JSON, no session on reads. */
export const PLAIN_NO_SESSIONS = {
  SANDBOX_GST_ENCRYPTION: 'off',
  SANDBOX_REQUIRE_SESSIONS: 'false',
} as const;

export interface RunningSandbox {
  app: INestApplication;
  url: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  send(
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the real sandbox on a free port (logs silenced); `env` overrides its variables. */
export async function startSandbox(env: Record<string, string> = {}): Promise<RunningSandbox> {
  const app = await createSandboxApp(loadSandboxConfig({ LOG_LEVEL: 'silent', ...env }));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    get: (path, headers) => fetch(`${url}${path}`, { headers }),
    send: (method, path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: () => app.close(),
  };
}
