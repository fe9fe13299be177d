import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ApiKeyEntity } from '../firms/api-key.entity';
import { RateLimiterService } from '../rate-limit/rate-limiter.service';
import { SessionEntity } from '../users/session.entity';
import { UserEntity } from '../users/user.entity';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import { SessionAuthenticator } from './session-authenticator.service';

/** Global so every feature controller can say `@UseGuards(ApiKeyGuard)`. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity, UserEntity, SessionEntity])],
  providers: [ApiKeyAuthenticator, SessionAuthenticator, ApiKeyGuard, RateLimiterService],
  exports: [ApiKeyAuthenticator, SessionAuthenticator, ApiKeyGuard, RateLimiterService],
})
export class AuthModule {}
