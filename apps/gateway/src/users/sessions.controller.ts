import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { NotFoundProblem } from '@practice-sync/problems';
import type { Request, Response } from 'express';

import { Access, CurrentPrincipal } from '../auth/access.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import type { FirmPrincipal } from '../auth/principal';
import { clearSessionCookies, SESSION_COOKIE, setSessionCookies } from '../auth/session-cookies';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator';
import { SignInLimiter } from '../rate-limit/sign-in-limiter.service';
import {
  AcceptInvitationRequestDto,
  MeResponseDto,
  SessionResponseDto,
  SignInRequestDto,
  UserResponseDto,
} from './dto/user.dto';
import { UsersService } from './users.service';

/** People signing in to the console: sessions, who am I, accepting an invitation. */
@ApiTags('Users and sessions')
@Controller()
export class SessionsController {
  constructor(
    private readonly users: UsersService,
    private readonly limiter: SignInLimiter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('sessions')
  @ApiOperation({
    summary: 'Sign in with email and password',
    // Public: this is where a session comes from.
    security: [],
    description:
      `Sets the HttpOnly, SameSite=Strict session cookie \`${SESSION_COOKIE}\` and the CSRF cookie ` +
      '`ps_csrf`; every later call may use the cookie instead of an API key, and every write made with it ' +
      'must send `X-CSRF-Token`. After too many wrong passwords in a row the account is locked for a while ' +
      '(429 `sign-in-locked` with Retry-After). Failed attempts from one client IP are limited too ' +
      '(`SIGN_IN_IP_MAX_ATTEMPTS` per `SIGN_IN_IP_WINDOW_SECONDS`, across replicas): then 429 ' +
      '`sign-in-throttled` with Retry-After and a detail saying when to try again. A disabled user is refused ' +
      'with 403 `user-disabled`.',
  })
  @ApiCreatedResponse({ type: SessionResponseDto })
  @ApiProblemResponses(400, 401, 403, 413, 415, 429)
  async signIn(
    @Body() body: SignInRequestDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionResponseDto> {
    // `req.ip` honours TRUST_PROXY: behind a proxy it is the client's address from X-Forwarded-For.
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    await this.limiter.attempt(ip, res);
    const signedIn = await this.users.signIn(body.email, body.password);
    await this.limiter.succeeded(ip);
    setSessionCookies(
      res,
      { session: signedIn.sessionToken, csrf: signedIn.csrfToken },
      signedIn.expiresAt,
      this.config.SESSION_COOKIE_SECURE,
    );
    res.setHeader('Cache-Control', 'no-store');
    return { me: signedIn.me, csrfToken: signedIn.csrfToken, expiresAt: signedIn.expiresAt.toISOString() };
  }

  @Delete('sessions/current')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(ApiKeyGuard)
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Sign out: ends this session and clears its cookies' })
  @ApiNoContentResponse()
  @ApiProblemResponses(401, 403, 404)
  async signOut(
    @CurrentPrincipal() principal: FirmPrincipal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    if (!principal.sessionId)
      throw new NotFoundProblem('An API key has no session to end; revoke it instead.');
    await this.users.signOut(principal.sessionId);
    clearSessionCookies(res, this.config.SESSION_COOKIE_SECURE);
  }

  @Get('me')
  @UseGuards(ApiKeyGuard)
  @ApiBearerAuth()
  @ApiCookieAuth()
  @Access({})
  @ApiOperation({ summary: 'Who is calling: the signed-in user (or API key), its firm and role' })
  @ApiOkResponse({ type: MeResponseDto })
  @ApiProblemResponses(401, 403, 429)
  me(@CurrentPrincipal() principal: FirmPrincipal): Promise<MeResponseDto> {
    return this.users.me(principal);
  }

  @Post('invitations/accept')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Accept an invitation: set your password',
    security: [],
    description: 'The token from `POST /v1/firms/{id}/users` works once, until it expires; then sign in.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblemResponses(400, 404, 409, 413, 415)
  accept(@Body() body: AcceptInvitationRequestDto): Promise<UserResponseDto> {
    return this.users.acceptInvitation(body.token, body.password);
  }
}
