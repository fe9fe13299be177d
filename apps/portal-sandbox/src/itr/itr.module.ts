import { Module } from '@nestjs/common';

import { ItrController } from './itr.controller';
import { ItrAuthController } from './itr-auth.controller';
import { ItrJobsService } from './itr-jobs.service';
import { ItrSessionService } from './itr-session.service';

@Module({
  controllers: [ItrAuthController, ItrController],
  providers: [ItrSessionService, ItrJobsService],
  exports: [ItrSessionService, ItrJobsService],
})
export class ItrModule {}
