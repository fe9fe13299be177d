import { Controller, Get, Headers, HttpStatus, Param, Query } from '@nestjs/common';
import { DomainException, NotFoundProblem } from '@practice-sync/problems';
import { z } from 'zod';

import { CLIENT_FILE_ID_PATTERN } from '../common/portal';
import { invalidRequest, SandboxProblemCode } from '../common/sandbox.exception';
import { fieldErrors } from '../control/control.dto';
import { sha256Hex } from '../world/checksum';
import type { SigningRequest } from '../world/signing-requests.generator';
import { WorldService } from '../world/world.service';
import { EsignAccessService } from './esign-access.service';

export const MAX_PAGE_SIZE = 100;
type Q = Record<string, unknown>;

const fileId = z.string().regex(CLIENT_FILE_ID_PATTERN, 'must be 1-64 letters, digits, _ or -');
const paging = z.object({
  fileId,
  page: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').default(1),
  pageSize: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .default(MAX_PAGE_SIZE),
  changedSince: z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
});

export interface SigningRequestPage {
  items: SigningRequest[];
  page: number;
  nextPage: number | null;
}

/** An envelope-style e-sign portal: signing requests of a client file, oldest first, paged. */
@Controller('esign/api/v1/client-files/:fileId')
export class EsignController {
  constructor(
    private readonly world: WorldService,
    private readonly access: EsignAccessService,
  ) {}

  @Get('signing-requests')
  signingRequests(@Param('fileId') id: string, @Query() q: Q, @Headers() h: Q): SigningRequestPage {
    const parsed = paging.safeParse({
      fileId: id,
      page: q.page,
      pageSize: q.pageSize,
      changedSince: q.changedSince,
    });
    if (!parsed.success) throw invalidRequest('Invalid signing-request query', fieldErrors(parsed.error));
    this.access.check(h);
    const { page, pageSize, changedSince } = parsed.data;
    const since = changedSince ? Date.parse(changedSince) : undefined;
    const all = this.world
      .signingRequests(id)
      .filter((r) => since === undefined || Date.parse(r.updatedAt) > since);
    const items = all.slice((page - 1) * pageSize, page * pageSize);
    return { items, page, nextPage: page * pageSize < all.length ? page + 1 : null };
  }

  @Get('taxpayers')
  taxpayers(
    @Param('fileId') id: string,
    @Headers() h: Q,
  ): { items: { taxpayerId: string; taxpayerName: string }[] } {
    this.validId(id);
    this.access.check(h);
    const seen = new Map<string, string>();
    for (const r of this.world.signingRequests(id)) seen.set(r.taxpayerId, r.taxpayerName);
    return { items: [...seen].map(([taxpayerId, taxpayerName]) => ({ taxpayerId, taxpayerName })) };
  }

  /** One request; polling the same one faster than the allowed interval answers 429. */
  @Get('signing-requests/:requestId')
  one(@Param('fileId') id: string, @Param('requestId') requestId: string, @Headers() h: Q): SigningRequest {
    this.validId(id);
    this.access.check(h);
    this.access.throttlePoll(requestId);
    return this.find(id, requestId);
  }

  /** The completion certificate of a signed request (409 until it is signed). */
  @Get('signing-requests/:requestId/certificate')
  certificate(@Param('fileId') id: string, @Param('requestId') requestId: string, @Headers() h: Q) {
    this.validId(id);
    this.access.check(h);
    const r = this.find(id, requestId);
    if (r.status !== 'signed' || !r.certificateId || !r.signedAt) {
      throw new DomainException({
        code: SandboxProblemCode.Conflict,
        status: HttpStatus.CONFLICT,
        title: 'Conflict',
        detail: `Request ${requestId} is ${r.status}; only signed requests have a certificate`,
      });
    }
    return {
      certificateId: r.certificateId,
      requestId: r.id,
      clientFileId: id,
      taxpayerId: r.taxpayerId,
      taxpayerName: r.taxpayerName,
      signedAt: r.signedAt,
      signerIp: r.signerIp,
      authMethod: r.authMethod,
      documentSha256: sha256Hex(`${r.id}|${r.certificateId}`),
      issuedAt: r.signedAt,
    };
  }

  private find(id: string, requestId: string): SigningRequest {
    const found = this.world.signingRequests(id).find((r) => r.id === requestId);
    if (!found)
      throw new NotFoundProblem(`No signing request ${requestId} in client file ${id}`, 'Not Found');
    return found;
  }

  private validId(id: string): void {
    const parsed = fileId.safeParse(id);
    if (!parsed.success) throw invalidRequest('Invalid client file id', fieldErrors(parsed.error, 'fileId'));
  }
}
