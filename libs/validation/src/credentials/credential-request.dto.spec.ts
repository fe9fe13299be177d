import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';

import { createValidationPipe } from '../validation.pipe';
import { ConsentRequestDto, OtpRequestDto } from './credential-request.dto';

async function errorsFor(metatype: new () => object, body: unknown): Promise<FieldError[]> {
  try {
    await createValidationPipe((errors) => new ValidationProblem(errors)).transform(body, {
      type: 'body',
      metatype,
    });
    return [];
  } catch (e) {
    if (e instanceof ValidationProblem) return e.errors ?? [];
    throw e;
  }
}

describe('ConsentRequestDto', () => {
  it('accepts an empty body (ask the portal to send the taxpayer an OTP) and an OTP with a date', async () => {
    expect(await errorsFor(ConsentRequestDto, {})).toEqual([]);
    expect(await errorsFor(ConsentRequestDto, { otp: '575757', dob: '1984-03-27' })).toEqual([]);
  });

  it('names a malformed OTP or date, and an unknown field', async () => {
    expect(await errorsFor(ConsentRequestDto, { otp: '12ab' })).toEqual([
      { field: 'otp', message: 'must be 6 digits' },
    ]);
    expect(await errorsFor(ConsentRequestDto, { dob: '27/03/1984' })).toEqual([
      { field: 'dob', message: 'must be a date YYYY-MM-DD' },
    ]);
    expect((await errorsFor(ConsentRequestDto, { otp: '575757', pin: 1 })).map((e) => e.field)).toEqual([
      'pin',
    ]);
  });
});

describe('OtpRequestDto', () => {
  it('requires the OTP for a GST session', async () => {
    expect(await errorsFor(OtpRequestDto, {})).toEqual([{ field: 'otp', message: 'is required' }]);
  });
});
