import { BadRequestException } from '@nestjs/common';

import { ConflictProblem } from './problem';
import { toProblem } from './problem.filter';

describe('toProblem (client-master)', () => {
  it('writes domain problems as problem+json bodies', () => {
    expect(toProblem(new ConflictProblem('A client with PAN X already exists in this firm.'), '/i')).toEqual({
      type: 'https://practice-sync.dev/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'A client with PAN X already exists in this firm.',
      instance: '/i',
    });
  });

  it('keeps 4xx messages and hides 500 causes behind an errorId', () => {
    expect(toProblem(new BadRequestException('Validation failed (uuid is expected)'), '/i').status).toBe(400);
    const problem = toProblem(new Error('secret internals'), '/i');
    expect(problem.status).toBe(500);
    expect(problem.errorId).toEqual(expect.any(String));
    expect(JSON.stringify(problem)).not.toContain('secret internals');
  });
});
