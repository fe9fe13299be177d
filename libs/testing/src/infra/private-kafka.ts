import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { kafkaAnswers } from './kafka';
import { repoRoot, stackDir } from './repo-root';

/** deploy/local/kafka.sh without blocking the test's event loop (its clients must go on running meanwhile). */
function kafkaScript(command: 'start' | 'stop', env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot(), 'deploy/local/kafka.sh'), command], {
      cwd: repoRoot(),
      env,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`kafka.sh ${command} failed (exit ${code ?? signal})`)),
    );
  });
}

export interface PrivateKafkaOptions {
  /** The broker's port (default `PS_PRIVATE_KAFKA_PORT` or 29092); the controller listens on `controllerPort`. */
  port?: number;
  /** Default: `port + 1`. */
  controllerPort?: number;
  /** Its own STACK_DIR (data, log, pid); default `<stack dir>/private-kafka-<port>`, wiped at start. */
  dir?: string;
  /** Kafka's jars (default `KAFKA_LIB_DIR`, else the shared stack's `<stack dir>/kafka/lib`). */
  libDir?: string;
}

export interface PrivateKafka {
  brokers: string[];
  /** Where its log is (`<dir>/logs/kafka.log`). */
  logFile: string;
  /** Stops the broker (SIGTERM, a controlled shutdown) and waits until it is gone; data is kept. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data, and waits until it answers a metadata request. */
  start(): Promise<void>;
  /** Stops it and starts it again on the same data (a broker restart); returns the ms it was away. */
  restart(): Promise<number>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

/**
 * A broker of the test's own (deploy/local/kafka.sh in a STACK_DIR of its own, the jars of the stack's), for tests
 * that stop and restart a broker: never the shared one. Refuses a port where a broker already answers, since
 * stopping it would stop someone else's.
 */
export async function startPrivateKafka(options: PrivateKafkaOptions = {}): Promise<PrivateKafka> {
  const port = options.port ?? Number(process.env['PS_PRIVATE_KAFKA_PORT'] ?? 29092);
  const controllerPort = options.controllerPort ?? port + 1;
  const dir = options.dir ?? join(stackDir(), `private-kafka-${port}`);
  const brokers = [`127.0.0.1:${port}`];
  if (await kafkaAnswers(brokers, 2000)) {
    throw new Error(
      `a broker already answers on 127.0.0.1:${port}; a private broker needs a port of its own`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env = {
    ...process.env,
    STACK_DIR: dir,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_LIB_DIR: options.libDir ?? process.env['KAFKA_LIB_DIR'] ?? join(stackDir(), 'kafka/lib'),
    KAFKA_HEAP: process.env['PS_PRIVATE_KAFKA_HEAP'] ?? '384m',
  };
  const start = () => kafkaScript('start', env);
  const stop = () => kafkaScript('stop', env);
  await start();
  return {
    brokers,
    logFile: join(dir, 'logs/kafka.log'),
    start,
    stop,
    restart: async () => {
      const t = performance.now();
      await stop();
      await start();
      return Math.round(performance.now() - t);
    },
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
