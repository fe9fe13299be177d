import type { DynamicModule, MiddlewareConsumer, NestModule, OnApplicationShutdown } from '@nestjs/common';
import { Controller, Get, Header, HttpStatus, Inject, Module, Res } from '@nestjs/common';
import type { Response } from 'express';
import { LoggerModule } from 'nestjs-pino';
import type { Registry } from 'prom-client';

import { HealthRegistry } from '../core/health';
import { httpServerMetrics } from '../core/http-metrics';
import { httpServerTracing } from '../core/http-tracing';
import { loggerOptions } from '../core/logger';
import { createMetricsRegistry } from '../core/metrics';
import { stopTracing } from '../core/tracing';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export interface ObservabilityOptions {
  service: string;
  logLevel?: string;
}

@Controller()
class ObservabilityController {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly health: HealthRegistry,
  ) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(await this.registry.metrics());
  }

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.health.readiness();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }
}

/**
 * Metrics registry (with a `service` label), a server span (tracing on) and HTTP answer metrics for every route, `/metrics`, `/health/live`, `/health/ready` and pino JSON logs.
 * Modules that own a dependency register a readiness check on the injected HealthRegistry.
 */
@Module({})
export class ObservabilityModule implements NestModule, OnApplicationShutdown {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpServerTracing(), httpServerMetrics(this.registry)).forRoutes('*');
  }

  /** Exports the spans still batched (startTracing) before the process exits. */
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }

  static forRoot(options: ObservabilityOptions): DynamicModule {
    const registry = createMetricsRegistry(options.service);
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...loggerOptions(options.service, options.logLevel ?? 'info'),
            autoLogging: { ignore: (req) => /^\/(metrics|health)/.test(req.url ?? '') },
          },
        }),
      ],
      controllers: [ObservabilityController],
      providers: [{ provide: METRICS_REGISTRY, useValue: registry }, HealthRegistry],
      exports: [METRICS_REGISTRY, HealthRegistry],
    };
  }
}
