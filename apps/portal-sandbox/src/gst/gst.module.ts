import { Module } from '@nestjs/common';

import { GstController } from './gst.controller';
import { GstAuthService } from './gst-auth.service';

@Module({
  controllers: [GstController],
  providers: [GstAuthService],
  exports: [GstAuthService],
})
export class GstModule {}
