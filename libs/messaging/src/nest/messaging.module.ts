import type { BeforeApplicationShutdown, DynamicModule, OnModuleInit } from '@nestjs/common';
import { Inject, Module } from '@nestjs/common';
import { createLogger, HealthRegistry, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';

import { KafkaMessaging } from '../core/kafka-messaging';
import type { OutboxRelayOptions } from '../core/outbox-relay';
import type { MessagingConfig } from '../core/types';

export interface MessagingModuleOptions {
  config: MessagingConfig;
  /** Canonical names of the topics this service produces or consumes; created (with `.dlq` twins) at start. */
  topics: readonly string[];
  /** Outbox relay settings; `false` for a service that never writes to its outbox. */
  outbox?: Omit<OutboxRelayOptions, 'topicPrefix' | 'published'> | false;
  logLevel?: string;
}

const OPTIONS = Symbol('MESSAGING_OPTIONS');

class MessagingLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly messaging: KafkaMessaging,
    private readonly health: HealthRegistry,
    @Inject(OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register({ name: 'kafka', check: () => this.messaging.ping() });
    this.health.register({ name: 'consumers', check: () => this.messaging.checkConsumers() });
    await this.messaging.start(this.options.topics);
    if (this.options.outbox !== false) this.messaging.startOutboxRelay(this.options.outbox ?? {});
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.messaging.stop();
  }
}

/**
 * NestJS wiring of the messaging core: a global `KafkaMessaging` (inject it; call `consume()` from
 * `onApplicationBootstrap`), topics created at start, the outbox relay running, a `kafka` readiness check,
 * and a clean stop before the database closes. Requires PersistenceModule and ObservabilityModule.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: KafkaMessaging,
          inject: [DataSource, METRICS_REGISTRY],
          useFactory: (dataSource: DataSource, registry: Registry) =>
            new KafkaMessaging(options.config, {
              dataSource,
              registry,
              logger: createLogger(options.config.clientId, options.logLevel ?? 'info').child({
                component: 'messaging',
              }),
            }),
        },
        {
          provide: MessagingLifecycle,
          inject: [KafkaMessaging, HealthRegistry, OPTIONS],
          useFactory: (m: KafkaMessaging, h: HealthRegistry, o: MessagingModuleOptions) =>
            new MessagingLifecycle(m, h, o),
        },
      ],
      exports: [KafkaMessaging],
    };
  }
}
