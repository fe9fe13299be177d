import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot, stackDir } from '../infra/repo-root';

export interface PrivateKafkaOptions {
  /** Default 19092 (controller: port + 1). Never the shared broker's 9092. */
  port?: number;
  /** Its own STACK_DIR (data, pid, log). Default `<stack dir>/chaos-kafka-<port>`; emptied on start. */
  dir?: string;
  /**
   * Kafka's jars, to reuse instead of fetching them again from Maven Central. Default: `CHAOS_KAFKA_LIB`, else
   * the shared stack's `<stack dir>/kafka/lib` when complete; otherwise kafka.sh fetches them into `dir`.
   */
  libDir?: string;
}

export interface PrivateKafka {
  brokers: string;
  port: number;
  dir: string;
  /** Stops the broker (SIGTERM, as kafka.sh stops it) and starts it again on the same data. Returns ms it was down. */
  restart(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A single-node broker of this process's own, started with deploy/local/kafka.sh on its own port and data dir
 * (KAFKA_PORT, KAFKA_CONTROLLER_PORT, STACK_DIR), so a chaos run may restart it without touching the broker
 * other runs share.
 */
export async function startPrivateKafka(options: PrivateKafkaOptions = {}): Promise<PrivateKafka> {
  const port = options.port ?? 19092;
  if (port === 9092) throw new Error('port: 9092 is the shared broker; a private broker needs its own port');
  const dir = options.dir ?? join(stackDir(), `chaos-kafka-${port}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'kafka'), { recursive: true });
  const lib = options.libDir ?? process.env['CHAOS_KAFKA_LIB'] ?? join(stackDir(), 'kafka', 'lib');
  if (existsSync(join(lib, '.complete'))) symlinkSync(lib, join(dir, 'kafka', 'lib'));
  const env = {
    ...process.env,
    STACK_DIR: dir,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(port + 1),
    KAFKA_HEAP: process.env['CHAOS_KAFKA_HEAP'] ?? '384m',
  };
  const script = (command: 'start' | 'stop') =>
    new Promise<void>((resolve, reject) => {
      execFile(
        'bash',
        [join(repoRoot(), 'deploy/local/kafka.sh'), command],
        { env },
        (error, _out, stderr) => {
          if (!error) return resolve();
          reject(
            new Error(
              `private Kafka on ${port}: kafka.sh ${command} failed (${error.message}): ` +
                `${stderr.slice(-1500)}; log ${join(dir, 'logs/kafka.log')}`,
            ),
          );
        },
      );
    });
  await script('start');
  return {
    brokers: `127.0.0.1:${port}`,
    port,
    dir,
    restart: async () => {
      const t = performance.now();
      await script('stop');
      await script('start');
      return Math.round(performance.now() - t);
    },
    stop: () => script('stop'),
  };
}
