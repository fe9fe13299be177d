import {
  BadRequestException,
  HttpStatus,
  InternalServerErrorException,
  NotFoundException,
} from '@nestjs/common';

import {
  ConflictProblem,
  DomainException,
  NotFoundProblem,
  ProblemException,
  UpstreamProblem,
  ValidationProblem,
} from './domain.exception';
import { ProblemType } from './problem';
import { bodyParserProblem, statusTitle, toProblem } from './to-problem';

describe('toProblem', () => {
  it('keeps field errors of a validation problem', () => {
    const { problem, cause } = toProblem(
      new ValidationProblem([{ field: 'gstins[0]', message: 'must be 15 characters' }]),
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
    const { problem } = toProblem(new UpstreamProblem(upstream), '/v1/clients');
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

describe('toProblem, the other mappings', () => {
  it('writes a domain exception with its code as type, its headers and extras', () => {
    const e = new DomainException({
      code: 'rate-limited',
      status: 429,
      title: 'Too many requests',
      detail: 'slow down',
      headers: { 'Retry-After': '3' },
      extras: { latestPeriod: '2024-03' },
    });
    const { problem, headers, cause } = toProblem(e, '/v1/x');
    expect(cause).toBeUndefined();
    expect(headers).toEqual({ 'Retry-After': '3' });
    expect(JSON.stringify(problem)).toBe(
      '{"type":"https://practice-sync.dev/problems/rate-limited","title":"Too many requests","status":429,' +
        '"detail":"slow down","instance":"/v1/x","latestPeriod":"2024-03"}',
    );
  });

  it('passes an upstream problem byte for byte, extras (errorId) included', () => {
    const upstream = {
      type: 'https://practice-sync.dev/problems/validation-error',
      title: 'The request is not valid',
      status: 400,
      detail: 'cron: bad',
      instance: '/internal/v1/x',
      errors: [{ field: 'cron', message: 'bad' }],
      errorId: 'e-1',
    };
    expect(JSON.stringify(toProblem(new UpstreamProblem(upstream), '/v1/x').problem)).toBe(
      JSON.stringify({ ...upstream, instance: '/v1/x' }),
    );
  });

  it('keeps the domain helpers titles and details', () => {
    expect(toProblem(new NotFoundProblem('no run r'), '/r').problem).toEqual({
      type: 'https://practice-sync.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no run r',
      instance: '/r',
    });
    expect(toProblem(new ConflictProblem('dup'), '/r').problem.title).toBe('Conflict');
    const many = new ValidationProblem([
      { field: 'a', message: 'x' },
      { field: 'b', message: 'y' },
    ]);
    expect(many.detail).toBe('a: x (and 1 more)');
    expect(new ProblemException(ProblemType.Conflict, 409, 'Conflict', 'd').problemType).toBe('conflict');
  });

  it('maps body-parser errors that reach the filter, and hides a 5xx HttpException', () => {
    expect(toProblem({ type: 'entity.parse.failed', status: 400 }, '/x').problem.status).toBe(400);
    const { problem, cause } = toProblem(
      new InternalServerErrorException('db password wrong'),
      '/x',
      () => 'e',
    );
    expect(problem).toMatchObject({ status: 500, errorId: 'e' });
    expect(cause).toBeInstanceOf(InternalServerErrorException);
    expect(JSON.stringify(problem)).not.toContain('password');
  });

  it('answers charset errors with 415', () => {
    expect(bodyParserProblem({ type: 'charset.unsupported' }, '/x')).toMatchObject({ status: 415 });
  });
});
