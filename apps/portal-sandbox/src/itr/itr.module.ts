import { Module } from '@nestjs/common';

import { ItrController } from './itr.controller';
import { ItrAuthController } from './itr-auth.controller';
import { ItrJobsService } from './itr-jobs.service';
import { ItrSandboxController } from './itr-sandbox.controller';
import { ItrSessionService } from './itr-session.service';

@Module({
  controllers: [ItrAuthController, ItrController, ItrSandboxController],
  providers: [ItrSessionService, ItrJobsService],
  exports: [ItrSessionService, ItrJobsService],
})
export class ItrModule {}
