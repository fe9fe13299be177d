import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ProblemFilter } from '@practice-sync/problems';

import { validationProblem } from './common/validation-errors';

/** Validation and problem+json for the internal API; shared by main.ts and integration tests. */
export function configureApp(app: NestExpressApplication): void {
  // Internal callers may send large selections (thousands of ids); the gateway limits public bodies.
  app.useBodyParser('json', { limit: '5mb' });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationProblem,
    }),
  );
  app.useGlobalFilters(new ProblemFilter());
  app.disable('x-powered-by');
}
