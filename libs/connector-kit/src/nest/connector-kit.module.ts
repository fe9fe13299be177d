import { randomUUID } from 'node:crypto';

import type { BeforeApplicationShutdown, DynamicModule, OnApplicationBootstrap } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { Portal } from '@practice-sync/contracts';
import type { RunningConsumer } from '@practice-sync/messaging';
import { KafkaMessaging } from '@practice-sync/messaging';
import { createLogger, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';

import type { ConnectorSettings } from '../core/connector-config';
import { ConnectorMetrics } from '../core/connector-metrics';
import { jobIntakeSpec } from '../core/job-intake';
import { JobRunner } from '../core/job-runner';
import { JobStore } from '../core/job-store';
import { PortalBreaker } from '../core/portal-breaker';
import type { PortalFetcher } from '../core/portal-fetcher';
import { PortalHttpClient } from '../core/portal-http.client';
import { WorkerPool } from '../core/worker-pool';

export interface ConnectorKitModuleOptions {
  portal: Portal;
  settings: ConnectorSettings;
  /** The implemented categories; a job for any other category fails as not supported yet. */
  fetchers(http: PortalHttpClient): PortalFetcher[];
}

const OPTIONS = Symbol('CONNECTOR_KIT_OPTIONS');
const LOGGER = Symbol('CONNECTOR_KIT_LOGGER');

class ConnectorLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: RunningConsumer | null = null;

  constructor(
    private readonly messaging: KafkaMessaging,
    private readonly pool: WorkerPool,
    private readonly breaker: PortalBreaker,
    private readonly runner: JobRunner,
    private readonly options: ConnectorKitModuleOptions,
    private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.pool.start();
    this.consumer = await this.messaging.consume(
      jobIntakeSpec({ portal: this.options.portal, onRecorded: () => this.pool.wakeSoon() }),
    );
    this.logger.info(
      { categories: this.runner.categories, concurrency: this.options.settings.concurrency },
      'connector is taking jobs',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.pool.stop();
    this.breaker.shutdown();
  }
}

/**
 * The connector machinery for one portal: job intake from `sync.jobs.<portal>.v1`, the worker pool, the
 * circuit breaker, the portal HTTP client and the metrics. Requires ObservabilityModule, PersistenceModule
 * (with `ConnectorKitMigrations`) and MessagingModule (consuming the job topic, producing results).
 */
@Module({})
export class ConnectorKitModule {
  static forRoot(options: ConnectorKitModuleOptions): DynamicModule {
    const { settings } = options;
    return {
      module: ConnectorKitModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: LOGGER,
          useFactory: () =>
            createLogger(`connector-${options.portal}`, settings.logLevel).child({
              component: 'connector-kit',
            }),
        },
        {
          provide: ConnectorMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new ConnectorMetrics(registry, options.portal),
        },
        {
          provide: PortalBreaker,
          inject: [ConnectorMetrics],
          useFactory: (metrics: ConnectorMetrics) =>
            new PortalBreaker(options.portal, settings.breaker, (state) => metrics.breakerState(state)),
        },
        {
          provide: PortalHttpClient,
          inject: [PortalBreaker, ConnectorMetrics],
          useFactory: (breaker: PortalBreaker, metrics: ConnectorMetrics) =>
            new PortalHttpClient({
              baseUrl: settings.baseUrl,
              requestTimeoutMs: settings.breaker.timeoutMs,
              breaker,
              metrics,
            }),
        },
        {
          provide: JobStore,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new JobStore(dataSource, randomUUID(), settings.leaseMs),
        },
        {
          provide: JobRunner,
          inject: [KafkaMessaging, DataSource, JobStore, PortalHttpClient, ConnectorMetrics, LOGGER],
          useFactory: (
            messaging: KafkaMessaging,
            dataSource: DataSource,
            store: JobStore,
            http: PortalHttpClient,
            metrics: ConnectorMetrics,
            logger: Logger,
          ) =>
            new JobRunner({
              dataSource,
              store,
              fetchers: options.fetchers(http),
              metrics,
              logger,
              fetchTimeoutMs: settings.fetchTimeoutMs,
              maxClaims: settings.maxClaims ?? 5,
              onResultCommitted: () => messaging.flushOutbox(),
            }),
        },
        {
          provide: WorkerPool,
          inject: [JobStore, JobRunner, LOGGER],
          useFactory: (store: JobStore, runner: JobRunner, logger: Logger) =>
            new WorkerPool({
              store,
              run: (claimed, shutdown) => runner.run(claimed, shutdown),
              logger,
              concurrency: settings.concurrency,
              pollIntervalMs: settings.pollIntervalMs,
              heartbeatIntervalMs: Math.max(1000, Math.floor(settings.leaseMs / 3)),
            }),
        },
        {
          provide: ConnectorLifecycle,
          inject: [KafkaMessaging, WorkerPool, PortalBreaker, JobRunner, OPTIONS, LOGGER],
          useFactory: (
            messaging: KafkaMessaging,
            pool: WorkerPool,
            breaker: PortalBreaker,
            runner: JobRunner,
            opts: ConnectorKitModuleOptions,
            logger: Logger,
          ) => new ConnectorLifecycle(messaging, pool, breaker, runner, opts, logger),
        },
      ],
      exports: [PortalHttpClient, ConnectorMetrics, WorkerPool],
    };
  }
}
