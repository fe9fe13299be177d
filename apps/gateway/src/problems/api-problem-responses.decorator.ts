import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';

import { PROBLEM_CONTENT_TYPE } from './problem';
import { ProblemDto } from './problem.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid; `errors` names each bad field.',
  401: 'Missing, unknown or revoked API key.',
  403: 'The key may not do this (role or platform key).',
  404: 'Not found (or belongs to another firm).',
  409: 'Conflicts with an existing resource.',
  413: 'The body is larger than 1 MB.',
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
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
