import { Controller, Get, Param, Query } from '@nestjs/common';
import { z } from 'zod';

import { CLIENT_FILE_ID_PATTERN } from '../common/portal';
import { fieldErrors, ValidationProblem } from '../common/problem';
import type { SigningRequest } from '../world/signing-requests.generator';
import { WorldService } from '../world/world.service';

export const MAX_PAGE_SIZE = 100;

const paging = z.object({
  fileId: z.string().regex(CLIENT_FILE_ID_PATTERN, 'must be 1-64 letters, digits, _ or -'),
  page: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').default(1),
  pageSize: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .default(MAX_PAGE_SIZE),
});

export interface SigningRequestPage {
  items: SigningRequest[];
  page: number;
  nextPage: number | null;
}

/** An envelope-style e-sign portal: signing requests of a client file, oldest first, paged. */
@Controller('esign/api/v1')
export class EsignController {
  constructor(private readonly world: WorldService) {}

  @Get('client-files/:fileId/signing-requests')
  signingRequests(
    @Param('fileId') fileId: string,
    @Query() query: Record<string, unknown>,
  ): SigningRequestPage {
    const parsed = paging.safeParse({ fileId, page: query.page, pageSize: query.pageSize });
    if (!parsed.success)
      throw new ValidationProblem('Invalid signing-request query', fieldErrors(parsed.error));
    const { page, pageSize } = parsed.data;
    const all = this.world.signingRequests(fileId);
    const items = all.slice((page - 1) * pageSize, page * pageSize);
    return { items, page, nextPage: page * pageSize < all.length ? page + 1 : null };
  }
}
