import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ClientsModule } from '../clients/clients.module';
import { RecordChangeEntity, RecordEntity } from './record.entity';
import { RecordsConsumer } from './records.consumer';
import { RecordsController } from './records.controller';
import { RecordsService } from './records.service';

@Module({
  imports: [TypeOrmModule.forFeature([RecordEntity, RecordChangeEntity]), ClientsModule],
  controllers: [RecordsController],
  providers: [RecordsService, RecordsConsumer],
})
export class RecordsModule {}
