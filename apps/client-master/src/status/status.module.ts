import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ClientsModule } from '../clients/clients.module';
import { ResultsConsumer } from './results.consumer';
import { FirmStatusController, StatusController } from './status.controller';
import { StatusService } from './status.service';
import { StatusCellEntity } from './status-cell.entity';

@Module({
  imports: [TypeOrmModule.forFeature([StatusCellEntity]), ClientsModule],
  controllers: [StatusController, FirmStatusController],
  providers: [StatusService, ResultsConsumer],
})
export class StatusModule {}
