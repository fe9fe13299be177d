import { Body, Controller, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { Access, ADMIN_ONLY, CurrentPrincipal } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import type { Principal } from '../auth/principal';
import { PaginationQueryDto } from '../common/pagination.dto';
import { FirmsService } from '../firms/firms.service';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { UuidParamPipe } from '../validation/uuid-param.pipe';
import { InvitedUserResponseDto, InviteUserRequestDto, UserListResponseDto } from './dto/user.dto';
import { UsersService } from './users.service';

/** A firm's people; admins (or the platform key, for a new firm's first admin) invite them with a role. */
@ApiTags('Users and sessions')
@ApiBearerAuth()
@ApiCookieAuth()
@UseGuards(ApiKeyGuard)
@Access({ platform: true, firmRoles: ADMIN_ONLY })
@Controller('firms/:id/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly firms: FirmsService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Invite a user with a role',
    description:
      'Answers the invitation token once; the person sets their password with it at ' +
      '`POST /v1/invitations/accept`, then signs in at `POST /v1/sessions`.',
  })
  @ApiCreatedResponse({ type: InvitedUserResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 413, 415, 429)
  async invite(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
    @Body() body: InviteUserRequestDto,
  ): Promise<InvitedUserResponseDto> {
    await this.firms.assertReachable(principal, firmId);
    return this.users.invite(firmId, body.email, body.role);
  }

  @Get()
  @ApiOperation({ summary: "List a firm's users (oldest first)" })
  @ApiOkResponse({ type: UserListResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<UserListResponseDto> {
    await this.firms.assertReachable(principal, firmId);
    return this.users.list(firmId, query.limit, query.cursor);
  }
}
