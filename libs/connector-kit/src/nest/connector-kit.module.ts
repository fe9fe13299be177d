import { createHash } from 'node:crypto';

import type {
  BeforeApplicationShutdown,
  DynamicModule,
  InjectionToken,
  OnApplicationBootstrap,
  Provider,
  Type,
} from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { TopicName } from '@practice-sync/contracts';
import { Topics } from '@practice-sync/contracts';
import type { RunningConsumer } from '@practice-sync/messaging';
import { KafkaMessaging, messagingConfig, MessagingModule, ProcessLiveness } from '@practice-sync/messaging';
import { createLogger, METRICS_REGISTRY, ObservabilityModule } from '@practice-sync/observability';
import { GroupCommit, PersistenceModule } from '@practice-sync/persistence';
import { ProblemFilter, ValidationProblem } from '@practice-sync/problems';
import { createValidationPipe } from '@practice-sync/validation';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';

import { AccessStore } from '../access/access-store';
import { CredentialCipher } from '../access/credential-cipher';
import type { ConnectorEnv, ConnectorSettings } from '../core/connector-config';
import { connectorSettingsFrom } from '../core/connector-config';
import type { ConnectorDefinition } from '../core/connector-definition';
import { connectorDatabaseOptions } from '../core/connector-definition';
import type { ConnectorFamily } from '../core/connector-family';
import { ConnectorMetrics } from '../core/connector-metrics';
import type { JobHandler } from '../core/job-handler';
import { jobIntakeSpec, jobsTopicOf } from '../core/job-intake';
import { JobRunner } from '../core/job-runner';
import { JobStore } from '../core/job-store';
import { PORTAL_BREAKER_KEY, PortalBreaker } from '../core/portal-breaker';
import type { ConnectorJob, PortalFetcher } from '../core/portal-fetcher';
import { originBreakerKey, PortalHttpClient } from '../core/portal-http.client';
import { PortalLimiter } from '../core/portal-limiter';
import { PortalOutage } from '../core/portal-outage';
import { upstreamOf } from '../core/upstream';
import { WorkerPool } from '../core/worker-pool';
import { CredentialsStatusController } from './credentials-status.controller';
import { CONNECTOR_LOGGER, CONNECTOR_PORTAL, CONNECTOR_SETTINGS } from './tokens';

export interface ConnectorKitModuleOptions {
  portal: ConnectorFamily;
  settings: ConnectorSettings;
  /**
   * The implemented categories; a job for any other category fails as not supported yet. `inject` may name
   * the kit's providers (PortalHttpClient, AccessStore, ConnectorMetrics, CONNECTOR_SETTINGS, CONNECTOR_LOGGER)
   * and the app's own `providers`.
   */
  fetchers?: {
    inject: InjectionToken[];
    useFactory: (...deps: never[]) => PortalFetcher[];
  };
  /**
   * For jobs that are not fetches (connector-books): the job handler (`JobHandler`), built like the fetchers.
   * Its intake contract replaces SyncJobRequested on the job topic.
   */
  handler?: {
    inject: InjectionToken[];
    useFactory: (...deps: never[]) => JobHandler;
  };
  /** Topics the app produces to; default `sync.results.v1` and `client.records.v1`. */
  produces?: TopicName[];
  /** The app's providers (session managers, portal API clients), in the kit's scope. */
  providers?: Provider[];
  /** The app's controllers (credential endpoints). */
  controllers?: Type[];
  /**
   * What one circuit breaker guards: `portal` (default: every call of the connector goes to one portal) or
   * `origin` (one per upstream URL origin: connector-books, where each company has its own books server).
   */
  breakerPer?: 'portal' | 'origin';
  /**
   * The `portal_access` identifiers a job of this connector reads when it starts (the GSTIN; the ERI account and
   * the PAN): read ahead for every claim in one statement (`ACCESS_READ_AHEAD_MS`) instead of one per job.
   * Without it each job reads its own.
   */
  accessIdentifiers?: (job: ConnectorJob) => readonly string[];
}

/**
 * The kit's services an app's session client, portal API client or fetchers are built from (inject
 * `ConnectorKitContext` instead of listing each one).
 */
export class ConnectorKitContext {
  constructor(
    readonly http: PortalHttpClient,
    readonly access: AccessStore,
    readonly metrics: ConnectorMetrics,
    readonly settings: ConnectorSettings,
    readonly logger: Logger,
  ) {}
}

/** What a connector app adds to the kit: its session client, its other providers, controllers and fetchers. */
export interface ConnectorWiring extends Omit<ConnectorKitModuleOptions, 'portal' | 'settings'> {
  /** The portal session client (logins, OTPs, tokens), built from the kit's services. */
  sessionClient?: { provide: Type; useFactory: (kit: ConnectorKitContext) => unknown };
}

const OPTIONS = Symbol('CONNECTOR_KIT_OPTIONS');
const LOGGER = CONNECTOR_LOGGER;
const FETCHERS = Symbol('CONNECTOR_FETCHERS');
const HANDLER = Symbol('CONNECTOR_JOB_HANDLER');
const FINISHING = Symbol('CONNECTOR_FINISHING_GROUP_COMMIT');

/** How long jobs wait for a portal whose breaker is open, when the settings do not say (PORTAL_OUTAGE_WAIT_MS). */
export const DEFAULT_OUTAGE_WAIT_MS = 300_000;

class ConnectorLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: RunningConsumer | null = null;

  constructor(
    private readonly messaging: KafkaMessaging,
    private readonly pool: WorkerPool,
    private readonly liveness: ProcessLiveness,
    private readonly breaker: PortalBreaker,
    private readonly limiter: PortalLimiter,
    private readonly runner: JobRunner,
    private readonly options: ConnectorKitModuleOptions,
    private readonly logger: Logger,
    private readonly handler: JobHandler | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The identity first: the pool's first sweep takes back what a killed predecessor held.
    await this.liveness.start();
    this.pool.start();
    this.consumer = await this.messaging.consume(
      jobIntakeSpec({
        portal: this.options.portal,
        handler: this.handler ?? undefined,
        onRecorded: () => this.pool.wake(),
      }),
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
    await this.limiter.stop();
  }
}

/** The modules of one connector app, from `ConnectorKitModule.forConnector`. */
@Module({})
export class ConnectorAppModule {}

/**
 * The connector machinery for one portal: job intake from `sync.jobs.<portal>.v1`, the worker pool, the
 * circuit breaker, the portal HTTP client and the metrics. Requires ObservabilityModule, PersistenceModule
 * (with `ConnectorKitMigrations`) and MessagingModule (consuming the job topic, producing results).
 */
@Module({})
export class ConnectorKitModule {
  /**
   * A whole connector app: observability, its schema (`connectorDatabaseOptions`), Kafka (its job topic,
   * results, records) and the kit with the app's wiring. `wiring` gets the loaded config and the kit settings.
   */
  static forConnector<C extends ConnectorEnv>(
    connector: ConnectorDefinition<C>,
    config: C,
    wiring: (config: C, settings: ConnectorSettings) => ConnectorWiring,
  ): DynamicModule {
    const settings = connectorSettingsFrom(config);
    const { sessionClient, providers, ...rest } = wiring(config, settings);
    const kit = ConnectorKitModule.forRoot({
      ...rest,
      portal: connector.portal,
      settings,
      providers: [
        ...(sessionClient
          ? [
              {
                provide: sessionClient.provide,
                inject: [ConnectorKitContext],
                useFactory: sessionClient.useFactory,
              },
            ]
          : []),
        ...(providers ?? []),
      ],
    });
    // Siblings, in this order: the kit's shutdown hooks (stop taking jobs, hand unfinished ones back) run
    // before messaging's only when both sit at the same depth of the module tree.
    return {
      module: ConnectorAppModule,
      // The one filter and the one request validation of every service (libs/problems, libs/validation).
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        {
          provide: APP_PIPE,
          useValue: createValidationPipe(
            (errors) => new ValidationProblem(errors, 'the request body is invalid', 'Invalid request'),
          ),
        },
      ],
      imports: [
        ObservabilityModule.forRoot({ service: connector.service, logLevel: config.LOG_LEVEL }),
        PersistenceModule.forRoot(connectorDatabaseOptions(connector, config)),
        MessagingModule.forRoot({
          config: messagingConfig(connector.service, config),
          topics: [jobsTopicOf(connector.portal), ...(rest.produces ?? [Topics.Results, Topics.Records])],
          logLevel: config.LOG_LEVEL,
        }),
        kit,
      ],
    };
  }

  static forRoot(options: ConnectorKitModuleOptions): DynamicModule {
    const { settings } = options;
    return {
      module: ConnectorKitModule,
      controllers: [CredentialsStatusController, ...(options.controllers ?? [])],
      providers: [
        ...(options.providers ?? []),
        { provide: OPTIONS, useValue: options },
        { provide: CONNECTOR_PORTAL, useValue: options.portal },
        { provide: CONNECTOR_SETTINGS, useValue: settings },
        {
          provide: CredentialCipher,
          useFactory: () => new CredentialCipher(settings.credentials.keys, settings.credentials.activeKeyId),
        },
        {
          provide: AccessStore,
          inject: [DataSource, CredentialCipher, ConnectorMetrics],
          useFactory: (dataSource: DataSource, cipher: CredentialCipher, metrics: ConnectorMetrics) => {
            const store = new AccessStore(
              dataSource,
              cipher,
              settings.sessionRefreshMarginMs,
              options.accessIdentifiers ? (settings.accessReadAheadMs ?? 0) : 0,
            );
            metrics.watchAccess(() => store.countByStatus(options.portal));
            return store;
          },
        },
        {
          provide: PortalLimiter,
          inject: [ConnectorMetrics],
          useFactory: (metrics: ConnectorMetrics) =>
            new PortalLimiter({
              ...settings.limits,
              onWait: (seconds) => metrics.limiterWaited(seconds),
            }),
        },
        {
          provide: FETCHERS,
          inject: options.fetchers?.inject ?? [],
          useFactory: (options.fetchers?.useFactory ?? (() => [])) as (...deps: unknown[]) => PortalFetcher[],
        },
        {
          provide: HANDLER,
          inject: options.handler?.inject ?? [],
          useFactory: (options.handler?.useFactory ?? (() => null)) as (
            ...deps: unknown[]
          ) => JobHandler | null,
        },
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
          // The portal's outage as the job intake sees it: while the portal's breaker is open, jobs wait.
          provide: PortalOutage,
          useFactory: () => new PortalOutage(options.portal, settings.outageWaitMs ?? DEFAULT_OUTAGE_WAIT_MS),
        },
        {
          provide: PortalBreaker,
          inject: [ConnectorMetrics, LOGGER, PortalOutage],
          useFactory: (metrics: ConnectorMetrics, logger: Logger, outage: PortalOutage) => {
            const breaker = new PortalBreaker(options.portal, settings.breaker, (change) => {
              metrics.breakerState(change);
              // Only the portal's one breaker holds jobs; one per books server (connector-books) does not.
              if (change.key === PORTAL_BREAKER_KEY) outage.moved(change.state);
              // Per origin, the upstream is named by a hash of its origin (a private address stays out of
              // logs and metric labels); the jobs that failed name their companies.
              const upstream =
                change.key === PORTAL_BREAKER_KEY
                  ? options.portal
                  : createHash('sha256').update(change.key).digest('hex').slice(0, 12);
              logger[change.state === 'open' ? 'warn' : 'info'](
                { upstream, breaker: change.state, breakers: change.counts },
                'circuit breaker moved',
              );
            });
            metrics.watchBreakers(() => breaker.counts());
            return breaker;
          },
        },
        {
          provide: PortalHttpClient,
          inject: [PortalBreaker, ConnectorMetrics, PortalLimiter],
          useFactory: (breaker: PortalBreaker, metrics: ConnectorMetrics, limiter: PortalLimiter) =>
            new PortalHttpClient({
              baseUrl: settings.baseUrl,
              requestTimeoutMs: settings.breaker.timeoutMs,
              breaker,
              breakerKey: options.breakerPer === 'origin' ? originBreakerKey : undefined,
              metrics,
              limiter,
              retry: settings.retry,
              upstream: upstreamOf(options.portal),
            }),
        },
        {
          provide: ConnectorKitContext,
          inject: [PortalHttpClient, AccessStore, ConnectorMetrics, LOGGER],
          useFactory: (
            http: PortalHttpClient,
            access: AccessStore,
            metrics: ConnectorMetrics,
            logger: Logger,
          ) => new ConnectorKitContext(http, access, metrics, settings, logger),
        },
        {
          // This process's identity as a job worker (the one its Kafka members carry): other workers take its
          // jobs over as soon as it dies. Messaging opens and closes it.
          provide: ProcessLiveness,
          inject: [KafkaMessaging],
          useFactory: (messaging: KafkaMessaging) => messaging.liveness,
        },
        {
          provide: JobStore,
          inject: [DataSource, ProcessLiveness, ConnectorMetrics, PortalOutage],
          useFactory: (
            dataSource: DataSource,
            liveness: ProcessLiveness,
            metrics: ConnectorMetrics,
            outage: PortalOutage,
          ) => {
            const store = new JobStore(dataSource, liveness, settings.leaseMs);
            // Every queued job waits while the portal is down (the pool claims none of them).
            metrics.watchOutage(async () => (outage.view.state === 'closed' ? 0 : store.countOpen()));
            return store;
          },
        },
        {
          // One per process: the jobs its workers finish together commit in one transaction (issue 26).
          provide: FINISHING,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => {
            const { maxJobs = 64, lingerMs = 0 } = settings.finishGroup ?? {};
            return maxJobs > 1 ? new GroupCommit(dataSource, { maxWorks: maxJobs, lingerMs }) : null;
          },
        },
        {
          provide: JobRunner,
          inject: [
            DataSource,
            FINISHING,
            JobStore,
            FETCHERS,
            HANDLER,
            ConnectorMetrics,
            LOGGER,
            PortalOutage,
          ],
          useFactory: (
            dataSource: DataSource,
            groupCommit: GroupCommit | null,
            store: JobStore,
            fetchers: PortalFetcher[],
            handler: JobHandler | null,
            metrics: ConnectorMetrics,
            logger: Logger,
            outage: PortalOutage,
          ) =>
            new JobRunner({
              dataSource,
              groupCommit: groupCommit ?? undefined,
              store,
              fetchers,
              handler: handler ?? undefined,
              metrics,
              logger,
              fetchTimeoutMs: settings.fetchTimeoutMs,
              recordsChunkBytes: settings.recordsChunkBytes,
              maxClaims: settings.maxClaims ?? 5,
              outage,
            }),
        },
        {
          provide: WorkerPool,
          inject: [JobStore, JobRunner, LOGGER, PortalOutage, AccessStore],
          useFactory: (
            store: JobStore,
            runner: JobRunner,
            logger: Logger,
            outage: PortalOutage,
            access: AccessStore,
          ) => {
            const { accessIdentifiers } = options;
            const pool = new WorkerPool({
              store,
              run: (claimed, shutdown) => runner.run(claimed, shutdown),
              logger,
              concurrency: settings.concurrency,
              pollIntervalMs: settings.pollIntervalMs,
              idleClaimIntervalMs: settings.idleClaimIntervalMs,
              heartbeatIntervalMs: Math.max(1000, Math.floor(settings.leaseMs / 3)),
              // While the portal is down its jobs stay queued: none claimed, one probe job once half-open.
              admit: (free, inFlight) => outage.allowance(free, inFlight),
              onClaimed: accessIdentifiers
                ? (claimed) =>
                    access.readAhead(
                      options.portal,
                      claimed.flatMap(({ job }) =>
                        accessIdentifiers(job).map((identifier) => ({ firmId: job.firmId, identifier })),
                      ),
                    )
                : undefined,
            });
            outage.onResume(() => pool.wake());
            return pool;
          },
        },
        {
          provide: ConnectorLifecycle,
          inject: [
            KafkaMessaging,
            WorkerPool,
            ProcessLiveness,
            PortalBreaker,
            PortalLimiter,
            JobRunner,
            OPTIONS,
            LOGGER,
            HANDLER,
          ],
          useFactory: (
            messaging: KafkaMessaging,
            pool: WorkerPool,
            liveness: ProcessLiveness,
            breaker: PortalBreaker,
            limiter: PortalLimiter,
            runner: JobRunner,
            opts: ConnectorKitModuleOptions,
            logger: Logger,
            handler: JobHandler | null,
          ) =>
            new ConnectorLifecycle(
              messaging,
              pool,
              liveness,
              breaker,
              limiter,
              runner,
              opts,
              logger,
              handler,
            ),
        },
      ],
      exports: [PortalHttpClient, ConnectorMetrics, WorkerPool, AccessStore, PortalBreaker, PortalOutage],
    };
  }
}
