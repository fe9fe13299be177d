import { checkMergedBody } from './merged-body';

describe('a merged body, checked against the object’s type', () => {
  it('accepts a whole ledger in Tally’s field names', () => {
    expect(
      checkMergedBody('LEDGER', { NAME: 'Sai Steel', PARENT: 'Local Debtors', OPENINGBALANCE: '-5000.00' }),
    ).toEqual({
      ok: true,
      fields: { NAME: 'Sai Steel', PARENT: 'Local Debtors', OPENINGBALANCE: '-5000.00' },
    });
  });

  it('names each bad field: missing, unknown, a bad amount, a bad GSTIN', () => {
    const checked = checkMergedBody('LEDGER', {
      NAME: '',
      OPENINGBALANCE: 'lots',
      PARTYGSTIN: '27AAACR5055K1Z8',
      COLOUR: 'red',
    });
    expect(checked.ok).toBe(false);
    const fields = checked.ok ? [] : checked.errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.NAME',
        'body.PARENT',
        'body.OPENINGBALANCE',
        'body.PARTYGSTIN',
        'body.COLOUR',
      ]),
    );
    const colour = checked.ok ? undefined : checked.errors.find((e) => e.field === 'body.COLOUR');
    expect(colour?.message).toBe('is not a field of a LEDGER');
    const parent = checked.ok ? undefined : checked.errors.find((e) => e.field === 'body.PARENT');
    expect(parent?.message).toBe('is required');
  });

  it('refuses a voucher whose debits and credits differ, and a bad date', () => {
    const checked = checkMergedBody('VOUCHER', {
      DATE: '20261340',
      VOUCHERTYPENAME: 'Sales',
      'ALLLEDGERENTRIES.LIST': [
        { LEDGERNAME: 'Cash', AMOUNT: '-100.00' },
        { LEDGERNAME: 'Sales - Local', AMOUNT: '90.00' },
      ],
    });
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'body.DATE' }),
        expect.objectContaining({
          field: 'body.ALLLEDGERENTRIES.LIST',
          message: expect.stringContaining('balance'),
        }),
      ]),
    );
  });

  it('derives the debit/credit flags from the amounts when left out', () => {
    const checked = checkMergedBody('VOUCHER', {
      DATE: '20260110',
      VOUCHERTYPENAME: 'Payment',
      'ALLLEDGERENTRIES.LIST': [
        { LEDGERNAME: 'Rent', AMOUNT: '-2500.00' },
        { LEDGERNAME: 'Cash', AMOUNT: '2500.00' },
      ],
    });
    expect(checked.ok && checked.fields['ALLLEDGERENTRIES.LIST']).toEqual([
      { LEDGERNAME: 'Rent', AMOUNT: '-2500.00', ISDEEMEDPOSITIVE: 'Yes' },
      { LEDGERNAME: 'Cash', AMOUNT: '2500.00', ISDEEMEDPOSITIVE: 'No' },
    ]);
  });

  it('a body that is not an object', () => {
    expect(checkMergedBody('GROUP', 'x')).toEqual({
      ok: false,
      errors: [{ field: 'body', message: 'must be an object: the GROUP with its fields' }],
    });
  });
});
