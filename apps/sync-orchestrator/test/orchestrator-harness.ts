import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Envelope, SyncRunChanged } from '@practice-sync/contracts';
import { SyncRunChangedEvent, Topics } from '@practice-sync/contracts';
import { KafkaMessaging } from '@practice-sync/messaging';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { JsonAnswer, TestInfra } from '@practice-sync/testing';
import { callJson, waitFor } from '@practice-sync/testing';

import { AppModule } from '../src/app.module';
import { loadOrchestratorConfig } from '../src/config/orchestrator.config';
import { orchestratorDatabaseOptions } from '../src/database.options';
import type { FakeClientMaster } from './fake-peers';

/** A real orchestrator (Nest app on a free port) on the suite's PostgreSQL and Kafka, for integration specs. */
export interface OrchestratorUnderTest {
  app: INestApplication;
  messaging: KafkaMessaging;
  /** The internal API's base, `http://127.0.0.1:<port>/internal/v1/firms`. */
  base: string;
  /** Every `sync.runs.v1` event seen since start, when `runEventsGroup` was given. */
  runEvents: Envelope<SyncRunChanged>[];
  /** A call on the internal API, relative to `/internal/v1/firms` (e.g. `/${firmId}/sync-runs`). */
  call<T>(method: string, path: string, body?: unknown): Promise<JsonAnswer<T>>;
  /** The run once it records `finishedAt`. */
  finished<R extends { finishedAt: string | null }>(
    firmId: string,
    runId: string,
    timeoutMs?: number,
  ): Promise<R>;
  stop(): Promise<void>;
}

export interface OrchestratorOptions {
  infra: TestInfra;
  clientMaster: FakeClientMaster;
  /** Appended to the suite's topic prefix: each spec's own topics, so fake results never reach another. */
  topics: string;
  /** Settings over the quick defaults below (the suite's own polls and caps). */
  env?: Record<string, string>;
  /** A consumer group that collects the run events into `runEvents`. */
  runEventsGroup?: string;
}

/**
 * Starts the orchestrator as the integration specs use it: the fake client-master started here, short polls,
 * migrations run, logs at `error`. The fakes that answer for the connectors are the caller's (on `messaging`).
 */
export async function startOrchestrator(opts: OrchestratorOptions): Promise<OrchestratorUnderTest> {
  const cmUrl = await opts.clientMaster.start();
  const config = loadOrchestratorConfig({
    ...opts.infra.env,
    KAFKA_TOPIC_PREFIX: `${opts.infra.topicPrefix}${opts.topics}`,
    LOG_LEVEL: 'warn',
    KAFKA_PARTITIONS: '3',
    CLIENT_MASTER_URL: cmUrl,
    FAN_OUT_POLL_MS: '100',
    DISPATCH_POLL_MS: '50',
    PROGRESS_INTERVAL_MS: '200',
    SSE_POLL_MS: '100',
    ...opts.env,
  });
  await runServiceMigrations(orchestratorDatabaseOptions(config));
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const base = `${await app.getUrl()}/internal/v1/firms`;
  const messaging = app.get(KafkaMessaging);
  const runEvents: Envelope<SyncRunChanged>[] = [];
  if (opts.runEventsGroup)
    await messaging.consume({
      groupId: opts.runEventsGroup,
      topics: [Topics.Runs],
      contracts: [SyncRunChangedEvent],
      handle: async (e) => void runEvents.push(e as Envelope<SyncRunChanged>),
    });

  const call = <T>(method: string, path: string, body?: unknown) =>
    callJson<T>(method, `${base}${path}`, body);

  return {
    app,
    messaging,
    base,
    runEvents,
    call,
    finished: <R extends { finishedAt: string | null }>(firmId: string, runId: string, timeoutMs = 60_000) =>
      waitFor(
        async () => {
          const r = (await call<R>('GET', `/${firmId}/sync-runs/${runId}`)).body;
          return r.finishedAt !== null ? r : undefined;
        },
        { timeoutMs, intervalMs: 100, description: `run ${runId} to finish` },
      ),
    stop: async () => {
      await app.close();
      await opts.clientMaster.stop();
    },
  };
}
