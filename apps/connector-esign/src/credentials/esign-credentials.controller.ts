import { Body, Controller, Param, Put, UseFilters } from '@nestjs/common';
import { parseBody } from '@practice-sync/connector-kit';
import { ProblemFilter } from '@practice-sync/problems';
import { z } from 'zod';

import { EsignAccessService } from '../esign-api/esign-access.service';

const KeyBody = z.object({ apiKey: z.string().min(8).max(500) });

/** The firm's e-sign portal account. */
@Controller('internal/v1/firms/:firmId/credentials/esign')
@UseFilters(ProblemFilter)
export class EsignCredentialsController {
  constructor(private readonly access: EsignAccessService) {}

  @Put()
  put(@Param('firmId') firmId: string, @Body() body: unknown) {
    return this.access.put(firmId, parseBody(KeyBody, body).apiKey);
  }
}
