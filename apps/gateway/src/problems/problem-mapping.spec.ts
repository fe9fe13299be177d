import { BadRequestException, HttpStatus, NotFoundException } from '@nestjs/common';

import { bodyParserProblem } from './body-parser-errors';
import { ProblemType, UpstreamProblemException, ValidationProblemException } from './problem';
import { statusTitle, toProblem } from './problem-mapping';

describe('toProblem', () => {
  it('keeps field errors of a validation problem', () => {
    const { problem, cause } = toProblem(
      new ValidationProblemException([{ field: 'gstins[0]', message: 'must be 15 characters' }]),
      '/v1/clients',
    );
    expect(cause).toBeUndefined();
    expect(problem).toEqual({
      type: 'https://practice-sync.dev/problems/validation-error',
      title: 'The request is not valid',
      status: 400,
      detail: 'gstins[0]: must be 15 characters',
      instance: '/v1/clients',
      errors: [{ field: 'gstins[0]', message: 'must be 15 characters' }],
    });
  });

  it('maps Nest HTTP exceptions to their status with a readable title', () => {
    const { problem } = toProblem(new NotFoundException('Cannot GET /v1/nope'), '/v1/nope');
    expect(problem).toMatchObject({ status: 404, title: 'Not found', detail: 'Cannot GET /v1/nope' });
    expect(problem.type).toContain(ProblemType.NotFound);
    expect(toProblem(new BadRequestException(['a', 'b']), '/x').problem.detail).toBe('a; b');
  });

  it('passes an upstream problem through with its status, at the public path', () => {
    const upstream = {
      type: 'https://practice-sync.dev/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'A client with PAN AAACR5055K already exists in this firm.',
      instance: '/internal/v1/firms/f/clients',
    };
    const { problem } = toProblem(new UpstreamProblemException(upstream), '/v1/clients');
    expect(problem).toEqual({ ...upstream, instance: '/v1/clients' });
  });

  it('hides the internals of an unexpected error behind an errorId', () => {
    const error = new Error('connection to 10.0.0.7 refused: password authentication failed');
    const { problem, cause } = toProblem(error, '/v1/clients', () => 'err-1');
    expect(cause).toBe(error);
    expect(problem).toMatchObject({ status: 500, errorId: 'err-1', title: 'Internal server error' });
    expect(JSON.stringify(problem)).not.toContain('10.0.0.7');
    expect(problem.detail).toContain('err-1');
  });

  it('titles statuses in words', () => {
    expect(statusTitle(HttpStatus.PAYLOAD_TOO_LARGE)).toBe('Payload too large');
    expect(statusTitle(599)).toBe('Error');
  });
});

describe('bodyParserProblem', () => {
  it('answers 413 for a too-large body and 400 for invalid JSON', () => {
    expect(bodyParserProblem({ type: 'entity.too.large', limit: 1048576 }, '/v1/clients')).toMatchObject({
      status: 413,
      detail: expect.stringContaining('1048576'),
    });
    expect(bodyParserProblem({ type: 'entity.parse.failed' }, '/v1/clients')).toMatchObject({
      status: 400,
      title: 'Invalid JSON',
    });
    expect(bodyParserProblem(new Error('other'), '/x')).toBeNull();
  });
});
