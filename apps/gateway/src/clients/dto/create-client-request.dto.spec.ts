import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';

import { createValidationPipe } from '../../validation/validation.pipe';
import { CreateClientRequestDto } from './create-client-request.dto';

async function errorsFor(body: unknown): Promise<FieldError[]> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: CreateClientRequestDto });
    return [];
  } catch (e) {
    if (e instanceof ValidationProblem) return e.errors ?? [];
    throw e;
  }
}

async function accepted(body: unknown): Promise<CreateClientRequestDto> {
  return (await createValidationPipe().transform(body, {
    type: 'body',
    metatype: CreateClientRequestDto,
  })) as CreateClientRequestDto;
}

describe('CreateClientRequestDto', () => {
  it('accepts a client with valid identifiers and normalises their case', async () => {
    const dto = await accepted({
      name: ' Reliance Traders ',
      pan: 'aaacr5055k',
      gstins: ['27aaacr5055k1z7'],
      tan: 'MUMR12345B',
      esignClientFileId: 'cf_reliance-2025',
      office: 'Mumbai',
      tags: ['gst-monthly'],
    });
    expect(dto).toMatchObject({ name: 'Reliance Traders', pan: 'AAACR5055K', gstins: ['27AAACR5055K1Z7'] });
  });

  it('names the GSTIN whose check character is wrong, by index', async () => {
    const errors = await errorsFor({ name: 'x', gstins: ['27AAACR5055K1Z7', '27AAACR5055K1Z4'] });
    expect(errors).toEqual([
      { field: 'gstins[1]', message: expect.stringContaining('check character is wrong') },
    ]);
    expect(errors[0].message).toContain('expected 7');
  });

  it('explains a malformed PAN', async () => {
    const errors = await errorsFor({ name: 'x', pan: 'AAAXR5055K' });
    expect(errors).toEqual([{ field: 'pan', message: expect.stringContaining('holder type') }]);
  });

  it('rejects an unknown field by name', async () => {
    const errors = await errorsFor({ name: 'x', pan: 'AAACR5055K', gstin: '27AAACR5055K1Z7' });
    expect(errors).toEqual([{ field: 'gstin', message: 'is not a known field; remove it' }]);
  });

  it('requires at least one identifier', async () => {
    const errors = await errorsFor({ name: 'x', office: 'Pune' });
    expect(errors).toEqual([{ field: 'pan', message: expect.stringContaining('at least one identifier') }]);
    expect(await errorsFor({ name: 'x', esignClientFileId: 'cf-1' })).toEqual([]);
    expect(await errorsFor({ name: 'x', gstins: [] })).toHaveLength(1);
  });

  it('reports every problem at once, each under its own field', async () => {
    const errors = await errorsFor({ pan: 'bad', tan: 'bad', gstins: ['short', 42], tags: [''] });
    expect(errors.map((e) => e.field).sort()).toEqual([
      'gstins[0]',
      'gstins[1]',
      'name',
      'pan',
      'tags',
      'tan',
    ]);
  });
});

describe('CreateClientRequestDto, one message per field', () => {
  it('says a missing name is required, once', async () => {
    expect(await errorsFor({ pan: 'AAACR5055K' })).toEqual([{ field: 'name', message: 'is required' }]);
  });
});
