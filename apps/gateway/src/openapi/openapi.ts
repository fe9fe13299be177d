import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { BranchConflictsModule } from '../branch-conflicts/branch-conflicts.module';
import { BranchLinksModule } from '../branch-links/branch-links.module';
import { CategoriesModule } from '../categories/categories.module';
import { ClientsModule } from '../clients/clients.module';
import { CompaniesModule } from '../companies/companies.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { FirmsModule } from '../firms/firms.module';
import { NoticesModule } from '../notices/notices.module';
import { FieldErrorDto, ProblemDto } from '../problems/problem.dto';
import { SyncRunsModule } from '../sync-runs/sync-runs.module';
import { SyncSchedulesModule } from '../sync-schedules/sync-schedules.module';
import { UsersModule } from '../users/users.module';

const DESCRIPTION = `Keep client records current with the GST, Income Tax and e-sign portals in one operation.

Authenticate with \`Authorization: Bearer <api key>\` (machines), or sign in as a person (\`POST /v1/sessions\`,
an HttpOnly session cookie; writes then send \`X-CSRF-Token\`). Errors are RFC 9457 \`application/problem+json\`;
validation errors name each bad field in \`errors[]\`; every \`type\` is one of ours
(\`https://practice-sync.dev/problems/…\`). Text PostgreSQL cannot store (a NUL character, an unpaired
surrogate) anywhere in a request — body, query, path, CSV cells, Idempotency-Key — is a 422 \`unstorable-text\`
naming the field, on every route. Lists answer \`{ items, nextCursor }\`; pass
\`nextCursor\` back as \`cursor\` for the next page.`;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('practice-sync API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .setLicense('Proprietary', 'https://practice-sync.dev/terms')
    .addServer('http://127.0.0.1:3000', 'A local stack (`npm run stack:up`)')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'A firm API key, or the platform key for firms.',
    })
    .addCookieAuth('ps_session', {
      type: 'apiKey',
      in: 'cookie',
      description:
        'A console session (`POST /v1/sessions`); writes made with it also need the `X-CSRF-Token` header.',
    })
    .build();
  // Only the public API; health and metrics are for probes and Prometheus, not for firms.
  return SwaggerModule.createDocument(app, config, {
    include: [
      FirmsModule,
      ClientsModule,
      CredentialsModule,
      SyncRunsModule,
      SyncSchedulesModule,
      NoticesModule,
      CategoriesModule,
      CompaniesModule,
      BranchLinksModule,
      BranchConflictsModule,
      UsersModule,
    ],
    extraModels: [ProblemDto, FieldErrorDto],
  });
}

/** Swagger UI at `/docs`, the document at `/docs-json` (outside the `/v1` prefix). */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
