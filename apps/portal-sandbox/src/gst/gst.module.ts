import { Module } from '@nestjs/common';

import { GstController } from './gst.controller';
import { GstAuthController } from './gst-auth.controller';
import { GstAuthService } from './gst-auth.service';
import { GstKeysService } from './gst-keys.service';
import { GstLedgersController } from './gst-ledgers.controller';
import { GstQueueService } from './gst-queue.service';
import { GstReadsService } from './gst-reads.service';
import { GstReturnsController } from './gst-returns.controller';
import { GstSandboxController } from './gst-sandbox.controller';

@Module({
  controllers: [
    GstSandboxController,
    GstAuthController,
    GstController,
    GstReturnsController,
    GstLedgersController,
  ],
  providers: [GstAuthService, GstKeysService, GstReadsService, GstQueueService],
  exports: [GstAuthService, GstQueueService],
})
export class GstModule {}
