// deploy/local/stack.sh up|down: every service in the background on the dev ports, plus a ready-made firm.
// Infrastructure (Kafka, PostgreSQL) is brought up by the bash wrapper before this runs.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { stackDir } from '../infra/repo-root';
import { readEnvFile, writeEnvFile } from '../stack/env-file';
import { apiKeyWorks, createConsoleUser, createFirmWithAdmin, signInWorks } from '../stack/firm';
import { requestJson } from '../stack/http';
import { stopPidFile } from '../stack/processes';
import type { StackAccess } from '../stack/services';
import { SERVICE_NAMES, SERVICES } from '../stack/services';
import { startStack } from '../stack/start-stack';

const dir = stackDir();
const envFile = join(dir, 'env');
const pidDir = join(dir, 'pids');
const say = (m: string) => process.stdout.write(`stack: ${m}\n`);

/** Generated once and kept, so restarted services and saved scripts keep working. */
function platformKey(): string {
  const file = join(dir, 'platform-key');
  if (process.env['PLATFORM_API_KEY']) return process.env['PLATFORM_API_KEY'];
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = `psk_platform_${randomBytes(24).toString('base64url')}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** STACK_ACCESS: `required` (default, production's access rules) or `lax` (see StackAccess). */
function access(): StackAccess {
  const value = process.env['STACK_ACCESS'] || 'required';
  if (value !== 'required' && value !== 'lax')
    throw new Error(`STACK_ACCESS must be "required" or "lax" (got "${value}")`);
  return value;
}

async function up(): Promise<void> {
  const stack = await startStack({
    access: access(),
    ports: 'default',
    detached: true,
    reuseRunning: true,
    pidDir,
    logDir: join(dir, 'logs'),
    logPrefix: '',
    kafkaBrokers: process.env['KAFKA_BROKERS'] || '127.0.0.1:9092',
    databaseUrl: process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/practice_sync',
    topicPrefix: process.env['KAFKA_TOPIC_PREFIX'] || '',
    platformApiKey: platformKey(),
    readyTimeoutMs: Number(process.env['STACK_READY_TIMEOUT_MS'] || 180_000),
    onProgress: say,
  });

  const previous = readEnvFile(envFile);
  let firmId = previous['FIRM_ID'] ?? '';
  let adminKey = previous['ADMIN_API_KEY'] ?? '';
  if (adminKey && (await apiKeyWorks(stack.gatewayUrl, adminKey))) {
    say(`reusing firm ${firmId || '(unknown id)'} and its admin key`);
  } else {
    const firm = await createFirmWithAdmin(stack.gatewayUrl, stack.platformApiKey, 'Demo & Co');
    firmId = firm.firmId;
    adminKey = firm.adminApiKey;
    say(`created firm "${firm.firmName}" (${firmId}) with an admin API key`);
  }

  const demo = await demoUser(stack.gatewayUrl, adminKey, previous);

  const env: Record<string, string> = {
    GATEWAY_URL: stack.gatewayUrl,
    CONSOLE_URL: `${stack.gatewayUrl}/`,
    CONSOLE_DEMO_EMAIL: demo.email,
    CONSOLE_DEMO_PASSWORD: demo.password,
    PLATFORM_API_KEY: stack.platformApiKey,
    ADMIN_API_KEY: adminKey,
    FIRM_ID: firmId,
    SANDBOX_URL: stack.sandboxUrl,
    KAFKA_BROKERS: stack.kafkaBrokers,
    DATABASE_URL: stack.databaseUrl,
  };
  for (const name of SERVICE_NAMES) env[SERVICES[name].urlVar] = stack.urls[name];
  writeEnvFile(envFile, env);
  say(
    `ready: gateway ${stack.gatewayUrl} (Swagger UI ${stack.gatewayUrl}/docs), sandbox ${stack.sandboxUrl}`,
  );
  say(`console ${stack.gatewayUrl}/ — sign in as ${demo.email} with the password in CONSOLE_DEMO_PASSWORD`);
  say(`wrote ${envFile} (source it: set -a; . ${envFile}; set +a); logs in ${join(dir, 'logs')}`);
}

/** The ready-made firm's console user (an admin): reused while its password works, else a new one. */
async function demoUser(
  gatewayUrl: string,
  adminKey: string,
  previous: Record<string, string>,
): Promise<{ email: string; password: string }> {
  const email = previous['CONSOLE_DEMO_EMAIL'];
  const password = previous['CONSOLE_DEMO_PASSWORD'];
  if (email && password && (await signInWorks(gatewayUrl, email, password))) return { email, password };
  const me = await requestJson<{ firmId: string }>('GET', `${gatewayUrl}/v1/me`, { bearer: adminKey });
  const user = {
    email: `demo-${randomBytes(3).toString('hex')}@demo-and-co.example`,
    password: randomBytes(12).toString('base64url'),
    role: 'admin' as const,
  };
  await createConsoleUser(gatewayUrl, adminKey, me.firmId, user);
  say(`created console user ${user.email} (admin)`);
  return { email: user.email, password: user.password };
}

async function down(): Promise<void> {
  for (const name of [...SERVICE_NAMES].reverse()) {
    const pid = await stopPidFile(join(pidDir, `${name}.pid`));
    if (pid !== undefined) say(`${name}: stopped (pid ${pid})`);
  }
}

const command = process.argv[2];
const action = command === 'up' ? up : command === 'down' ? down : undefined;
if (!action) {
  process.stderr.write('usage: stack.sh up|down\n');
  process.exit(2);
}
action().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`stack: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
