import { Module } from '@nestjs/common';

import { SyncSchedulesController } from './sync-schedules.controller';

@Module({ controllers: [SyncSchedulesController] })
export class SyncSchedulesModule {}
