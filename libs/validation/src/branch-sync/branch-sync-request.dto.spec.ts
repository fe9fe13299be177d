import type { FieldError } from '@practice-sync/problems';

import { createValidationPipe } from '../validation.pipe';
import {
  CreateBranchLinkRequestDto,
  RejectRuleRequestDto,
  UpdateBranchLinkRequestDto,
} from './branch-link-request.dto';
import { CreateCompanyRequestDto, UpdateCompanyRequestDto } from './company-request.dto';

class FieldErrors extends Error {
  constructor(readonly errors: FieldError[]) {
    super('invalid');
  }
}

async function check(
  metatype: new () => object,
  body: unknown,
): Promise<{ value?: unknown; errors: FieldError[] }> {
  try {
    const value: unknown = await createValidationPipe((errors) => new FieldErrors(errors)).transform(body, {
      type: 'body',
      metatype,
    });
    return { value, errors: [] };
  } catch (e) {
    if (e instanceof FieldErrors) return { errors: e.errors };
    throw e;
  }
}
const fieldsOf = async (metatype: new () => object, body: unknown): Promise<string[]> =>
  (await check(metatype, body)).errors.map((e) => e.field);

const A = '0193a8f4-3333-7abc-8def-0123456789ab';
const B = '0193a8f4-4444-7abc-8def-0123456789ab';
const company = { name: ' Pune Branch ', role: 'branch', booksUrl: 'http://192.168.1.20:9000' };
const link = { clientCompanyId: A, serverCompanyId: B, mode: 'online', rules: [] };

describe('company requests', () => {
  it('accepts a company and trims its name', async () => {
    const { value, errors } = await check(CreateCompanyRequestDto, { ...company, clientId: A });
    expect(errors).toEqual([]);
    expect(value).toMatchObject({ name: 'Pune Branch', clientId: A });
    expect(
      (await check(CreateCompanyRequestDto, { ...company, booksUrl: 'https://books.example.in' })).errors,
    ).toEqual([]);
  });

  it.each([
    [{ ...company, role: 'warehouse' }, 'role', 'must be one of head_office, branch'],
    [{ ...company, role: undefined }, 'role', 'is required: must be one of head_office, branch'],
    [{ ...company, booksUrl: 'ftp://books:21' }, 'booksUrl', 'must be an http(s) URL of the books server'],
    [{ ...company, booksUrl: 'localhost 9000' }, 'booksUrl', 'must be an http(s) URL of the books server'],
    [{ ...company, booksUrl: 'http://admin:secret@books:9000' }, 'booksUrl', 'must not contain a user name'],
    [{ ...company, booksUrl: 9000 }, 'booksUrl', 'must be an http(s) URL'],
    [{ ...company, name: '   ' }, 'name', 'must be longer'],
    [{ ...company, clientId: 'client-1' }, 'clientId', "must be the id (UUID) of one of the firm's clients"],
  ])('refuses %j naming %s', async (body, field, message) => {
    const { errors } = await check(CreateCompanyRequestDto, body);
    expect(errors).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('lets a PATCH detach the client with null and checks what it sends', async () => {
    expect((await check(UpdateCompanyRequestDto, { clientId: null })).errors).toEqual([]);
    expect(await fieldsOf(UpdateCompanyRequestDto, { role: 'HO', booksUrl: 'books' })).toEqual([
      'role',
      'booksUrl',
    ]);
  });
});

describe('branch link requests', () => {
  it('accepts a link with rules of both classes', async () => {
    const body = {
      ...link,
      rules: [
        { class: 'masters', types: ['Ledger', 'Stock Item', 'Cost Centre'], direction: 'send' },
        {
          class: 'transactions',
          types: [' Sales ', 'Job Work Out'],
          direction: 'receive',
          fromDate: '2024-02-29',
        },
        { class: 'masters', direction: 'both' },
      ],
    };
    const { value, errors } = await check(CreateBranchLinkRequestDto, body);
    expect(errors).toEqual([]);
    expect((value as CreateBranchLinkRequestDto).rules[1].types).toEqual(['Sales', 'Job Work Out']);
  });

  it.each([
    [
      { ...link, serverCompanyId: A.toUpperCase() },
      'serverCompanyId',
      'must be another company than clientCompanyId',
    ],
    [{ ...link, clientCompanyId: 'ho' }, 'clientCompanyId', "one of the firm's companies"],
    [{ ...link, mode: 'offline' }, 'mode', 'must be one of online, on_demand'],
    [{ ...link, rules: undefined }, 'rules', 'is required'],
    [
      { ...link, rules: [{ class: 'vouchers', direction: 'send' }] },
      'rules[0].class',
      'must be one of masters, transactions',
    ],
    [
      { ...link, rules: [{ class: 'masters', direction: 'push' }] },
      'rules[0].direction',
      'must be one of send, receive, both',
    ],
    [
      { ...link, rules: [{ class: 'masters', direction: 'send', types: ['Ledger', 'Ledgers'] }] },
      'rules[0].types[1]',
      'unknown master type "Ledgers"',
    ],
    [
      { ...link, rules: [{ class: 'transactions', direction: 'send', types: ['Sales', ' '] }] },
      'rules[0].types[1]',
      'not empty',
    ],
    [
      { ...link, rules: [{ class: 'transactions', direction: 'send', types: ['x'.repeat(101)] }] },
      'rules[0].types[0]',
      'at most 100',
    ],
    [
      { ...link, rules: [{ class: 'transactions', direction: 'send', types: ['Sales\tGST'] }] },
      'rules[0].types[0]',
      'control characters',
    ],
    [
      { ...link, rules: [{ class: 'masters', direction: 'send', fromDate: '2025-02-30' }] },
      'rules[0].fromDate',
      'must be a real calendar date YYYY-MM-DD',
    ],
    [
      { ...link, rules: [{ class: 'masters', direction: 'send', fromDate: '01-04-2025' }] },
      'rules[0].fromDate',
      'must be a real calendar date YYYY-MM-DD',
    ],
  ])('refuses %j naming %s', async (body, field, message) => {
    const { errors } = await check(CreateBranchLinkRequestDto, body);
    expect(errors).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('checks a PATCH: mode, rules to add, rule ids to remove', async () => {
    expect(
      (await check(UpdateBranchLinkRequestDto, { mode: 'on_demand', removeRuleIds: [A] })).errors,
    ).toEqual([]);
    expect(
      await fieldsOf(UpdateBranchLinkRequestDto, {
        addRules: [{ class: 'masters', direction: 'sideways' }],
        removeRuleIds: [A, 'rule-2'],
      }),
    ).toEqual(['addRules[0].direction', 'removeRuleIds[1]']);
  });

  it('needs a reason to reject a rule', async () => {
    expect(await fieldsOf(RejectRuleRequestDto, {})).toEqual(['reason']);
    expect(await fieldsOf(RejectRuleRequestDto, { reason: '  ' })).toEqual(['reason']);
    expect((await check(RejectRuleRequestDto, { reason: 'HO owns the ledgers' })).errors).toEqual([]);
  });
});
