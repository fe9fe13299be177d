import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException } from '@nestjs/common';

import { ConflictProblem, DomainException } from './domain.exception';
import { bodyParserErrorHandler, ProblemFilter } from './problem.filter';
import { toProblem } from './to-problem';

/** A fake express response that records what the filter wrote (no server, no socket). */
function fakeResponse(headersSent = false) {
  const written: { status?: number; type?: string; body?: string; headers: Record<string, string> } = {
    headers: {},
  };
  const res = {
    headersSent,
    set(h: Record<string, string>) {
      Object.assign(written.headers, h);
      return res;
    },
    status(s: number) {
      written.status = s;
      return res;
    },
    type(t: string) {
      written.type = t;
      return res;
    },
    send(b: string) {
      written.body = b;
      return res;
    },
  };
  return { res, written };
}

function hostFor(res: unknown): ArgumentsHost {
  const req = { originalUrl: '/internal/v1/i', url: '/i', method: 'POST' };
  return {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ArgumentsHost;
}

describe('ProblemFilter', () => {
  it('writes domain problems as problem+json bodies', () => {
    expect(
      toProblem(new ConflictProblem('A client with PAN X already exists in this firm.'), '/i').problem,
    ).toEqual({
      type: 'https://practice-sync.dev/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'A client with PAN X already exists in this firm.',
      instance: '/i',
    });
  });

  it('keeps 4xx messages and hides 500 causes behind an errorId', () => {
    expect(
      toProblem(new BadRequestException('Validation failed (uuid is expected)'), '/i').problem.status,
    ).toBe(400);
    const { problem } = toProblem(new Error('secret internals'), '/i');
    expect(problem.status).toBe(500);
    expect(problem.errorId).toEqual(expect.any(String));
    expect(JSON.stringify(problem)).not.toContain('secret internals');
  });

  it('answers with the status, the problem media type, the headers and the request path as instance', () => {
    const { res, written } = fakeResponse();
    const e = new DomainException({
      code: 'rate-limited',
      status: 429,
      title: 'Too many requests',
      detail: 'wait',
      headers: { 'Retry-After': '2' },
    });
    new ProblemFilter().catch(e, hostFor(res));
    expect(written.status).toBe(429);
    expect(written.type).toBe('application/problem+json');
    expect(written.headers).toEqual({ 'Retry-After': '2' });
    expect(JSON.parse(written.body ?? '{}')).toMatchObject({ instance: '/internal/v1/i', detail: 'wait' });
  });

  it('writes nothing once the headers are sent (a stream that failed midway)', () => {
    const { res, written } = fakeResponse(true);
    new ProblemFilter().catch(new ConflictProblem('x'), hostFor(res));
    expect(written.body).toBeUndefined();
  });

  it('answers body-parser errors in the express error middleware and passes others on', () => {
    const { res, written } = fakeResponse();
    const next = jest.fn();
    const req = { originalUrl: '/v1/clients', url: '/v1/clients' };
    bodyParserErrorHandler({ type: 'entity.too.large', limit: 10 }, req as never, res as never, next);
    expect(written.status).toBe(413);
    const other = new Error('x');
    bodyParserErrorHandler(other, req as never, res as never, next);
    expect(next).toHaveBeenCalledWith(other);
  });
});
