import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` against `schema` and returns the typed result.
 * Throws a ConfigError naming every bad variable and why, so a misconfigured service fails at boot.
 */
export function loadConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new ConfigError(problems);
}

/** A printable copy of a config object with secret keys masked. */
export function describeConfig(
  config: Record<string, unknown>,
  secrets: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = secrets.includes(key) && value !== undefined && value !== '' ? '***' : value;
  }
  return out;
}

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

/** Variables every service reads: HTTP port, log level, Kafka and PostgreSQL. */
export function baseServiceEnv(defaultPort: number) {
  return z.object({
    PORT: port(defaultPort),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    KAFKA_BROKERS: z
      .string()
      .default('127.0.0.1:9092')
      .transform((s) =>
        s
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .refine((list) => list.length > 0, 'must list at least one host:port'),
    /** Prepended to every topic name and consumer group; isolates test runs sharing one broker. */
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, . _ - only')
      .default(''),
    KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
    /** How often batched consumer groups commit their offsets (ms); 0 commits after every batch. */
    KAFKA_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    /**
     * How often each consumer group is swept for members of dead processes (ms), so a dead replica's partitions
     * move within it rather than after its 15 s session; 0 evicts only when a consumer joins. Unset: the
     * messaging default (5000).
     */
    KAFKA_DEAD_MEMBER_SWEEP_MS: z.coerce.number().int().min(0).max(300_000).optional(),
    DATABASE_URL: z
      .string()
      .url('must be a postgres:// URL')
      .default('postgres://postgres@127.0.0.1:5432/practice_sync'),
    /**
     * Distinct parameterised statements each connection may keep prepared (parsed and planned once, not on every
     * run); 0 sends every statement unnamed, as a pooler without prepared-statement support needs. Unset: the
     * default of libs/persistence (`DEFAULT_PREPARED_STATEMENTS`).
     */
    DATABASE_PREPARED_STATEMENTS: z.coerce.number().int().min(0).max(10_000).optional(),
  });
}

export type BaseServiceConfig = z.output<ReturnType<typeof baseServiceEnv>>;

/**
 * Another service's base URL, or the base URLs of its instances separated by commas when no load balancer
 * stands in front of them (`http://10.0.0.5:3001,http://10.0.0.6:3001`): the service client takes them in
 * turn and fails over to the next when one cannot be reached.
 */
export function serviceUrls(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean)
        .join(','),
    )
    .superRefine((s, ctx) => {
      if (!s) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be an http(s) URL (e.g. ${fallback})` });
        return;
      }
      for (const u of s.split(',')) {
        let ok = false;
        try {
          ok = ['http:', 'https:'].includes(new URL(u).protocol);
        } catch {
          ok = false;
        }
        if (!ok) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message:
              `"${u}" is not an http(s) URL; give one base URL, or one per instance separated by commas ` +
              `(e.g. ${fallback},${fallback.replace(/:(\d+)$/, (_, p: string) => `:${Number(p) + 100}`)})`,
          });
        }
      }
    });
}
