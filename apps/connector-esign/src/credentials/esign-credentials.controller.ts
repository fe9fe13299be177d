import { Body, Controller, Param, Put } from '@nestjs/common';
import { EsignCredentialRequestDto } from '@practice-sync/validation';

import { EsignAccessService } from '../esign-api/esign-access.service';

/** The firm's e-sign portal account. */
@Controller('internal/v1/firms/:firmId/credentials/esign')
export class EsignCredentialsController {
  constructor(private readonly access: EsignAccessService) {}

  @Put()
  put(@Param('firmId') firmId: string, @Body() { apiKey }: EsignCredentialRequestDto) {
    return this.access.put(firmId, apiKey);
  }
}
