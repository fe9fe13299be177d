import { Module } from '@nestjs/common';

import { EsignController } from './esign.controller';

@Module({ controllers: [EsignController] })
export class EsignModule {}
