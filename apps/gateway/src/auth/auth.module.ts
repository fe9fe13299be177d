import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ApiKeyEntity } from '../firms/api-key.entity';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';

/** Global so every feature controller can say `@UseGuards(ApiKeyGuard)`. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity])],
  providers: [ApiKeyAuthenticator, ApiKeyGuard],
  exports: [ApiKeyAuthenticator, ApiKeyGuard],
})
export class AuthModule {}
