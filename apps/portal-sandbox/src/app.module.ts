import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { Module, RequestMethod } from '@nestjs/common';
import { ObservabilityModule } from '@practice-sync/observability';

import { BooksModule } from './books/books.module';
import type { SandboxConfig } from './config/sandbox.config';
import { SANDBOX_CONFIG } from './config/sandbox.config';
import { ControlModule } from './control/control.module';
import { EsignModule } from './esign/esign.module';
import { FaultsModule } from './faults/faults.module';
import { PortalFaultsMiddleware } from './faults/portal-faults.middleware';
import { GstModule } from './gst/gst.module';
import { ItrModule } from './itr/itr.module';
import { WorldModule } from './world/world.module';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: SandboxConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'portal-sandbox', logLevel: config.LOG_LEVEL }),
        {
          module: class SandboxConfigModule {},
          global: true,
          providers: [{ provide: SANDBOX_CONFIG, useValue: config }],
          exports: [SANDBOX_CONFIG],
        },
        WorldModule,
        FaultsModule,
        GstModule,
        ItrModule,
        EsignModule,
        BooksModule,
        ControlModule,
      ],
    };
  }

  /** Faults and stats cover every path of the three portal families, even ones that end in 404. */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(PortalFaultsMiddleware)
      .forRoutes(
        { path: 'gst/*', method: RequestMethod.ALL },
        { path: 'itr/*', method: RequestMethod.ALL },
        { path: 'esign/*', method: RequestMethod.ALL },
      );
  }
}
