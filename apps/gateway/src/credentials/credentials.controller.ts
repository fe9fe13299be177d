import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { gstinProblem, panProblem } from '@practice-sync/contracts';
import type { ServiceHttpClient } from '@practice-sync/service-http';
import {
  ConsentRequestDto,
  EsignCredentialRequestDto,
  GstCredentialRequestDto,
  ItrCredentialRequestDto,
  OtpRequestDto,
} from '@practice-sync/validation';

import { Access, CurrentFirmId, WRITE_ROLES } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { CLIENT_MASTER, CONNECTOR_ESIGN, CONNECTOR_GST, CONNECTOR_ITR } from '../upstream/upstream.module';
import { IdentifierParamPipe } from '../validation/identifier-param.pipe';
import { pageAccessStatuses } from './access-status-page';
import type { ClientIdentifiers } from './client-access';
import { accessOfClient } from './client-access';
import {
  AccessStatusDto,
  AccessStatusListResponseDto,
  ListCredentialsQueryDto,
} from './dto/access-status.dto';
import type { FirmIdentifier } from './missing-access';
import { errorCodeOfStatus, firmAccounts, missingAccess } from './missing-access';

const GSTIN = new IdentifierParamPipe(gstinProblem);
const PAN = new IdentifierParamPipe(panProblem);

/**
 * Portal access: each connector keeps its portal's credentials (encrypted) and sessions; the gateway validates,
 * scopes to the firm and forwards. Answers are access health, never a secret.
 */
@ApiTags('Portal access')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('credentials')
export class CredentialsController {
  constructor(
    @Inject(CLIENT_MASTER) private readonly clientMaster: ServiceHttpClient,
    @Inject(CONNECTOR_GST) private readonly gst: ServiceHttpClient,
    @Inject(CONNECTOR_ITR) private readonly itr: ServiceHttpClient,
    @Inject(CONNECTOR_ESIGN) private readonly esign: ServiceHttpClient,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Access health of every portal identifier',
    description:
      'GSTIN sessions, the e-filing intermediary and PAN consents, the e-sign account: `ok`, `otp_required` ' +
      '(a person must enter an OTP), `expiring`, `failed`, or `missing` (a GSTIN, PAN or e-sign client file ' +
      'of a client with no access at all; `errorCode` and `detail` name the missing step, e.g. ' +
      '`consent_required`). Ordered by portal then identifier. `clientId` narrows it to one client; ' +
      "`scope=accounts` to the firm's e-filing and e-sign accounts.",
  })
  @ApiOkResponse({ type: AccessStatusListResponseDto })
  @ApiProblemResponses(400, 401, 404, 429, 503, 504)
  async list(
    @CurrentFirmId() firmId: string,
    @Query() query: ListCredentialsQueryDto,
  ): Promise<AccessStatusListResponseDto> {
    const request = { method: 'GET' as const, path: base(firmId) };
    // All or nothing: a list silently missing a portal would read as "no problems there".
    const [client, identifiers, ...lists] = await Promise.all([
      query.clientId
        ? this.clientMaster.request<ClientIdentifiers>({
            method: 'GET',
            path: `/internal/v1/firms/${firmId}/clients/${query.clientId}`,
          })
        : undefined,
      this.clientMaster.request<{ items: FirmIdentifier[] }>({
        method: 'GET',
        path: `/internal/v1/firms/${firmId}/identifiers`,
      }),
      ...[this.gst, this.itr, this.esign].map((c) => c.request<{ items?: StoredStatus[] }>(request)),
    ]);
    const stored = lists.flatMap((l) => l.items ?? []).map(toAccessStatus);
    const firmWide = [...stored, ...missingAccess(identifiers.items, stored)];
    const scoped = query.scope === 'accounts' ? firmAccounts(firmWide) : firmWide;
    const all = client ? accessOfClient(scoped, client) : scoped;
    return pageAccessStatuses(
      query.status ? all.filter((s) => s.status === query.status) : all,
      query.limit,
      query.cursor,
    );
  }

  @Put('gst/:gstin')
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({
    summary: "Set a GSTIN's portal username",
    description:
      'Then `POST /v1/credentials/gst/{gstin}/otp` with the OTP the portal sends to open a session.',
  })
  @ApiOkResponse({ type: AccessStatusDto })
  @ApiProblemResponses(400, 401, 403, 413, 415, 429, 503, 504)
  putGst(
    @CurrentFirmId() firmId: string,
    @Param('gstin', GSTIN) gstin: string,
    @Body() body: GstCredentialRequestDto,
  ): Promise<AccessStatusDto> {
    return this.gst
      .request<StoredStatus>({ method: 'PUT', path: `${base(firmId)}/gst/${gstin}`, body })
      .then(toAccessStatus);
  }

  @Post('gst/:gstin/otp')
  @HttpCode(HttpStatus.OK)
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({
    summary: 'Open a GST session with an OTP',
    description: 'The session lasts as long as the portal allows; syncs then run without a person.',
  })
  @ApiOkResponse({ type: AccessStatusDto })
  @ApiProblemResponses(400, 401, 403, 404, 413, 415, 429, 503, 504)
  gstOtp(
    @CurrentFirmId() firmId: string,
    @Param('gstin', GSTIN) gstin: string,
    @Body() body: OtpRequestDto,
  ): Promise<AccessStatusDto> {
    return this.gst
      .request<StoredStatus>({ method: 'POST', path: `${base(firmId)}/gst/${gstin}/otp`, body })
      .then(toAccessStatus);
  }

  @Put('itr')
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({ summary: "Set the firm's e-filing intermediary account" })
  @ApiOkResponse({ type: AccessStatusDto })
  @ApiProblemResponses(400, 401, 403, 413, 415, 429, 503, 504)
  putItr(@CurrentFirmId() firmId: string, @Body() body: ItrCredentialRequestDto): Promise<AccessStatusDto> {
    return this.itr
      .request<StoredStatus>({ method: 'PUT', path: `${base(firmId)}/itr`, body })
      .then(toAccessStatus);
  }

  @Post('itr/:pan/consent')
  @HttpCode(HttpStatus.OK)
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({
    summary: "Ask for, then record, a taxpayer's consent for their PAN",
    description:
      'Post `{}` to have the e-filing portal send the taxpayer an OTP, then `{ "otp": "…" }` with the OTP they ' +
      'received to record the consent.',
  })
  @ApiOkResponse({ type: AccessStatusDto })
  @ApiProblemResponses(400, 401, 403, 404, 413, 415, 429, 503, 504)
  itrConsent(
    @CurrentFirmId() firmId: string,
    @Param('pan', PAN) pan: string,
    @Body() body: ConsentRequestDto,
  ): Promise<AccessStatusDto> {
    return this.itr
      .request<StoredStatus>({ method: 'POST', path: `${base(firmId)}/itr/${pan}/consent`, body })
      .then(toAccessStatus);
  }

  @Put('esign')
  @Access({ firmRoles: WRITE_ROLES })
  @ApiOperation({ summary: "Set the firm's e-sign portal API key" })
  @ApiOkResponse({ type: AccessStatusDto })
  @ApiProblemResponses(400, 401, 403, 413, 415, 429, 503, 504)
  putEsign(
    @CurrentFirmId() firmId: string,
    @Body() body: EsignCredentialRequestDto,
  ): Promise<AccessStatusDto> {
    return this.esign
      .request<StoredStatus>({ method: 'PUT', path: `${base(firmId)}/esign`, body })
      .then(toAccessStatus);
  }
}

/** A connector's answer: the health of one stored access. */
type StoredStatus = Omit<AccessStatusDto, 'errorCode' | 'clientName'>;

function toAccessStatus(s: StoredStatus): AccessStatusDto {
  return { ...s, errorCode: errorCodeOfStatus(s.status), clientName: null };
}

function base(firmId: string): string {
  return `/internal/v1/firms/${firmId}/credentials`;
}
