import { Module } from '@nestjs/common';

import { CLIENT_DIRECTORY, ClientMasterClient } from './client-master.client';

@Module({
  providers: [{ provide: CLIENT_DIRECTORY, useClass: ClientMasterClient }],
  exports: [CLIENT_DIRECTORY],
})
export class ClientMasterModule {}
