import { Module } from '@nestjs/common';

import { GstModule } from '../gst/gst.module';
import { ControlController } from './control.controller';

@Module({ imports: [GstModule], controllers: [ControlController] })
export class ControlModule {}
