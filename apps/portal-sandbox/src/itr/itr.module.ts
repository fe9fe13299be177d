import { Module } from '@nestjs/common';

import { ItrController } from './itr.controller';

@Module({ controllers: [ItrController] })
export class ItrModule {}
