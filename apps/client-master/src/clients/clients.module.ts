import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ClientEntity } from './client.entity';
import { ClientsController, IdentifiersController } from './clients.controller';
import { ClientsService } from './clients.service';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity])],
  controllers: [ClientsController, IdentifiersController],
  providers: [ClientsService],
  exports: [ClientsService],
})
export class ClientsModule {}
