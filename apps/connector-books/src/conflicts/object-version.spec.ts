import { contentHash, fieldsOf, nodeOf } from './object-version';

const ledger = {
  '@_NAME': 'Sai Steel Traders',
  '@_RESERVEDNAME': '',
  GUID: 'ho-guid-000000a1',
  MASTERID: '161',
  ALTERID: '161',
  PARENT: 'Local Debtors',
  OPENINGBALANCE: '-5000.00',
  'LANGUAGENAME.LIST': { 'NAME.LIST': { '@_TYPE': 'String', NAME: 'Sai Steel Traders' } },
};

describe('object versions', () => {
  it('hash alike at both ends whatever their local ids (our import’s echo is no change)', () => {
    expect(contentHash({ ...ledger, MASTERID: '9', ALTERID: '977', '@_REMOTEID': 'x' })).toBe(
      contentHash(ledger),
    );
    expect(contentHash({ ...ledger, OPENINGBALANCE: '-6000.00' })).not.toBe(contentHash(ledger));
    expect(contentHash({ ...ledger, '@_NAME': 'Sai Steel Traders Pvt Ltd' })).not.toBe(contentHash(ledger));
  });

  it('shows a master by its fields with its name as NAME, and builds it back under the conflict’s GUID', () => {
    const fields = fieldsOf('LEDGER', ledger);
    expect(fields).toEqual({
      NAME: 'Sai Steel Traders',
      PARENT: 'Local Debtors',
      OPENINGBALANCE: '-5000.00',
    });
    const built = nodeOf('LEDGER', 'ho-guid-000000a1', { ...fields, OPENINGBALANCE: '-7000.00' });
    expect(contentHash(built)).toBe(contentHash({ ...ledger, OPENINGBALANCE: '-7000.00' }));
  });

  it('keeps a voucher’s entry lists', () => {
    const voucher = {
      '@_REMOTEID': 'g1',
      '@_VCHTYPE': 'Sales',
      GUID: 'g1',
      DATE: '20260110',
      VOUCHERTYPENAME: 'Sales',
      ALTERID: '5',
      'ALLLEDGERENTRIES.LIST': [
        { LEDGERNAME: 'Cash', ISDEEMEDPOSITIVE: 'Yes', AMOUNT: '-10.00' },
        { LEDGERNAME: 'Sales - Local', ISDEEMEDPOSITIVE: 'No', AMOUNT: '10.00' },
      ],
    };
    const fields = fieldsOf('VOUCHER', voucher);
    expect(fields).toEqual({
      DATE: '20260110',
      VOUCHERTYPENAME: 'Sales',
      'ALLLEDGERENTRIES.LIST': voucher['ALLLEDGERENTRIES.LIST'],
    });
    expect(contentHash(nodeOf('VOUCHER', 'g1', fields))).toBe(contentHash(voucher));
  });
});
