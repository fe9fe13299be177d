import { Module } from '@nestjs/common';

import { BooksModule } from '../books/books.module';
import { EsignModule } from '../esign/esign.module';
import { GstModule } from '../gst/gst.module';
import { ItrModule } from '../itr/itr.module';
import { ControlController } from './control.controller';

@Module({ imports: [GstModule, ItrModule, EsignModule, BooksModule], controllers: [ControlController] })
export class ControlModule {}
