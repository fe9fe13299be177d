import type { NestExpressApplication } from '@nestjs/platform-express';
import { ProblemFilter, ValidationProblem } from '@practice-sync/problems';
import { createValidationPipe } from '@practice-sync/validation';

/** Validation and problem+json for the internal API; shared by main.ts and integration tests. */
export function configureApp(app: NestExpressApplication): void {
  // Internal callers may send large selections (thousands of ids); the gateway limits public bodies.
  app.useBodyParser('json', { limit: '5mb' });
  app.useGlobalPipes(createValidationPipe((errors) => new ValidationProblem(errors)));
  app.useGlobalFilters(new ProblemFilter());
  app.disable('x-powered-by');
}
