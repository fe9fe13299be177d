import { Module } from '@nestjs/common';

import { EsignController } from './esign.controller';
import { EsignAccessService } from './esign-access.service';

@Module({ controllers: [EsignController], providers: [EsignAccessService], exports: [EsignAccessService] })
export class EsignModule {}
