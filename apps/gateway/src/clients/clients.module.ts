import { Module } from '@nestjs/common';

import { ClientsController } from './clients.controller';
import { ClientsImportService } from './import/clients-import.service';

@Module({ controllers: [ClientsController], providers: [ClientsImportService] })
export class ClientsModule {}
