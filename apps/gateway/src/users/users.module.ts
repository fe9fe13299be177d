import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { FirmEntity } from '../firms/firm.entity';
import { FirmsModule } from '../firms/firms.module';
import { SignInLimiter } from '../rate-limit/sign-in-limiter.service';
import { Argon2PasswordHasher, PasswordHasher } from './password-hasher';
import { SessionEntity } from './session.entity';
import { SessionsController } from './sessions.controller';
import { UserEntity } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, SessionEntity, FirmEntity]), FirmsModule],
  controllers: [SessionsController, UsersController],
  providers: [UsersService, SignInLimiter, { provide: PasswordHasher, useClass: Argon2PasswordHasher }],
})
export class UsersModule {}
