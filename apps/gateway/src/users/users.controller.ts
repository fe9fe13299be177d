import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
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
import {
  InvitedUserResponseDto,
  InviteUserRequestDto,
  UpdateUserRequestDto,
  UserListResponseDto,
  UserResponseDto,
} from './dto/user.dto';
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

  @Patch(':userId')
  @ApiOperation({
    summary: "Change a user's role, or disable / enable them",
    description:
      "A new role applies to the user's open sessions at once. `disabled: true` ends their sessions and refuses " +
      'their sign-in (403 `user-disabled`) until `disabled: false`. An admin cannot change their own role or ' +
      'disable themselves (409).',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 413, 415, 429)
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
    @Param('userId', UuidParamPipe) userId: string,
    @Body() body: UpdateUserRequestDto,
  ): Promise<UserResponseDto> {
    await this.firms.assertReachable(principal, firmId);
    return this.users.update(firmId, userId, body, principal.kind === 'firm' ? principal : null);
  }

  @Post(':userId/unlock')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Unlock a user locked out by wrong passwords',
    description: 'Ends the lock-out at once and starts the count of failures again.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async unlock(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
    @Param('userId', UuidParamPipe) userId: string,
  ): Promise<UserResponseDto> {
    await this.firms.assertReachable(principal, firmId);
    return this.users.unlock(firmId, userId);
  }

  @Post(':userId/invitation')
  @ApiOperation({
    summary: 'Resend an invitation: a new token for a user who has not set a password',
    description:
      'The earlier token stops working; the new one lasts `INVITE_TTL_HOURS` again. 409 once the password is set.',
  })
  @ApiCreatedResponse({ type: InvitedUserResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 429)
  async resendInvitation(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) firmId: string,
    @Param('userId', UuidParamPipe) userId: string,
  ): Promise<InvitedUserResponseDto> {
    await this.firms.assertReachable(principal, firmId);
    return this.users.resendInvitation(firmId, userId);
  }
}
