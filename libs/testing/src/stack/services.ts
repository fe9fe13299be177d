/** Every process of the platform, in start order; the sandbox stands in for the government portals. */
export const SERVICE_NAMES = [
  'portal-sandbox',
  'client-master',
  'sync-orchestrator',
  'connector-gst',
  'connector-itr',
  'connector-esign',
  'connector-books',
  'gateway',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceSpec {
  name: ServiceName;
  /** PORT in the dev stack (stack.sh); e2e runs pick free ports instead. */
  defaultPort: number;
  /** Has a PostgreSQL schema and `src/migrate.ts`. */
  migrates: boolean;
  /** Name of its URL in `.stack/env`. */
  urlVar: string;
}

export const SERVICES: Readonly<Record<ServiceName, ServiceSpec>> = {
  'portal-sandbox': {
    name: 'portal-sandbox',
    defaultPort: 3100,
    migrates: false,
    urlVar: 'PORTAL_SANDBOX_URL',
  },
  'client-master': { name: 'client-master', defaultPort: 3001, migrates: true, urlVar: 'CLIENT_MASTER_URL' },
  'sync-orchestrator': {
    name: 'sync-orchestrator',
    defaultPort: 3002,
    migrates: true,
    urlVar: 'SYNC_ORCHESTRATOR_URL',
  },
  'connector-gst': { name: 'connector-gst', defaultPort: 3003, migrates: true, urlVar: 'CONNECTOR_GST_URL' },
  'connector-itr': { name: 'connector-itr', defaultPort: 3004, migrates: true, urlVar: 'CONNECTOR_ITR_URL' },
  'connector-esign': {
    name: 'connector-esign',
    defaultPort: 3005,
    migrates: true,
    urlVar: 'CONNECTOR_ESIGN_URL',
  },
  // Jobs carry each company's books URL (the sandbox's /books/{key} in the stack): no PORTAL_BASE_URL.
  'connector-books': {
    name: 'connector-books',
    defaultPort: 3006,
    migrates: true,
    urlVar: 'CONNECTOR_BOOKS_URL',
  },
  gateway: { name: 'gateway', defaultPort: 3000, migrates: true, urlVar: 'GATEWAY_URL' },
};

/** Portal family each connector talks to, under the sandbox's base URL. */
const PORTAL_PATH: Partial<Record<ServiceName, string>> = {
  'connector-gst': '/gst',
  'connector-itr': '/itr',
  'connector-esign': '/esign',
};

/**
 * How the stack treats portal access. `required` (the default, production's behaviour): the sandbox demands a
 * session on every read and the connectors fail a job without stored access `credentials_missing`, so access is
 * granted through the public API as a firm would. `lax`: identifiers without stored access are fetched without a
 * session; only for tests and benchmarks whose subject is not access (a firm-scale run, throughput).
 */
export type StackAccess = 'required' | 'lax';

export interface StackSettings {
  access: StackAccess;
  kafkaBrokers: string;
  topicPrefix: string;
  databaseUrl: string;
  platformApiKey: string;
  logLevel: string;
  urls: Record<ServiceName, string>;
  /**
   * Every instance's URL per service (the first is `urls`'), when a service runs more than one: its peers are
   * given the whole list (comma-separated) and fail over between them, as there is no load balancer in front.
   */
  instanceUrls?: Partial<Record<ServiceName, readonly string[]>>;
  /** The built console the gateway serves under `/` (none when unset). */
  consoleDir?: string;
}

/** The environment one service is started with (the variables its config schema reads). */
export function serviceEnv(name: ServiceName, s: StackSettings): Record<string, string> {
  const port = new URL(s.urls[name]).port;
  if (name === 'portal-sandbox') {
    // The connectors open sessions and speak the GST envelope, so encryption stays at its faithful default;
    // sessions are required unless the stack runs lax (with REQUIRE_CREDENTIALS below: the two go together).
    return {
      PORT: port,
      LOG_LEVEL: s.logLevel,
      SANDBOX_REQUIRE_SESSIONS: String(s.access === 'required'),
    };
  }
  const env: Record<string, string> = {
    PORT: port,
    LOG_LEVEL: s.logLevel,
    KAFKA_BROKERS: s.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: s.topicPrefix,
    DATABASE_URL: s.databaseUrl,
  };
  /** What a peer is given to reach `service`: every instance, so killing one does not cut it off. */
  const peer = (service: ServiceName) => (s.instanceUrls?.[service] ?? [s.urls[service]]).join(',');
  if (name === 'gateway') {
    env['PLATFORM_API_KEY'] = s.platformApiKey;
    env['CLIENT_MASTER_URL'] = peer('client-master');
    env['SYNC_ORCHESTRATOR_URL'] = peer('sync-orchestrator');
    for (const c of ['connector-gst', 'connector-itr', 'connector-esign', 'connector-books'] as const)
      env[SERVICES[c].urlVar] = peer(c);
    if (s.consoleDir) env['CONSOLE_DIR'] = s.consoleDir;
    // The stack speaks plain HTTP on 127.0.0.1; production keeps the default (Secure cookies).
    env['SESSION_COOKIE_SECURE'] = 'false';
  }
  if (name === 'sync-orchestrator') env['CLIENT_MASTER_URL'] = peer('client-master');
  // Held branch-sync changes expire on the sandbox's clock, so tests can let days pass.
  if (name === 'connector-books') env['BOOKS_CLOCK_URL'] = `${s.urls['portal-sandbox']}/_sandbox/clock`;
  const portalPath = PORTAL_PATH[name];
  if (portalPath) {
    env['PORTAL_BASE_URL'] = `${s.urls['portal-sandbox']}${portalPath}`;
    // Lax: identifiers without stored access are fetched without a session (see the sandbox above), not failed
    // credentials_missing; identifiers with stored access use their sessions either way.
    env['REQUIRE_CREDENTIALS'] = String(s.access === 'required');
  }
  return env;
}
