import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ApiKeyEntity } from '../firms/api-key.entity';
import { RateLimiterService } from '../rate-limit/rate-limiter.service';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';

/** Global so every feature controller can say `@UseGuards(ApiKeyGuard)`. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity])],
  providers: [ApiKeyAuthenticator, ApiKeyGuard, RateLimiterService],
  exports: [ApiKeyAuthenticator, ApiKeyGuard, RateLimiterService],
})
export class AuthModule {}
