import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@practice-sync/problems';

import { ProblemDto } from './problem.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid; `errors` names each bad field.',
  401: 'Missing, unknown or revoked API key.',
  403: 'The key may not do this (role or platform key).',
  404: 'Not found (or belongs to another firm).',
  409:
    'Conflicts with an existing resource or state (e.g. `duplicate-link`, `company-in-use`), or a request ' +
    'with this Idempotency-Key is running.',
  413: 'The body is larger than the limit (1 MB of JSON, 8 MB of CSV).',
  415: 'The body is not in the media type this route reads (application/json; text/csv for imports).',
  422:
    'Well-formed but cannot be done; `type` says why and `errors` names each field: ' +
    '`unstorable-text` (a NUL character or an unpaired surrogate), `period-not-available` (a period in ' +
    'the future; the message names the latest valid one), `selection-matches-nothing` (tags, offices or ' +
    'client ids that select no client of the firm), `unknown-reference` (an id in the body that names ' +
    'no company, client or rule of the firm), `idempotency-key-reused` (the Idempotency-Key was ' +
    'used for a different request).',
  429: 'Too many requests with this API key; retry after `Retry-After` seconds.',
  503: 'An internal service is unavailable; try again shortly.',
  504: 'An internal service did not answer in time.',
};

/** Documents problem+json answers for the given statuses. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Problem',
        ...(status === 429
          ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } }
          : {}),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
