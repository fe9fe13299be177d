import { Module } from '@nestjs/common';

import { EsignModule } from '../esign/esign.module';
import { GstModule } from '../gst/gst.module';
import { ItrModule } from '../itr/itr.module';
import { ControlController } from './control.controller';

@Module({ imports: [GstModule, ItrModule, EsignModule], controllers: [ControlController] })
export class ControlModule {}
