import { Module } from '@nestjs/common';

import { SyncRunsController } from './sync-runs.controller';

@Module({ controllers: [SyncRunsController] })
export class SyncRunsModule {}
