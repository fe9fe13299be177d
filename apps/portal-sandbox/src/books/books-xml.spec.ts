import { XMLParser } from 'fast-xml-parser';

import type { BooksCompany } from './books-company';
import { seedCompany } from './books-seed';
import { objectView } from './books-view';
import type { BooksAnswer } from './books-xml.service';
import { BooksXmlService } from './books-xml.service';
import { UNKNOWN_REQUEST } from './books-xml-render';
import { parseBooksRequest, windowOf } from './books-xml-request';

const NOW = new Date('2026-03-01T00:00:00Z');
const xml = new BooksXmlService();
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });

const body = (answer: BooksAnswer): string =>
  answer.kind === 'text' ? answer.body : [...answer.pieces].join('');

/** An export request as a connector would send it: a TDL collection filtered on ALTERID. */
function exportRequest(type: string, formula?: string, company = 'Head Office Ltd'): string {
  const tdl = formula
    ? `<TDL><TDLMESSAGE><COLLECTION NAME="PS Changes"><TYPE>${type}</TYPE><FETCH>*</FETCH><FILTER>PSSince</FILTER></COLLECTION>` +
      `<SYSTEM TYPE="Formulae" NAME="PSSince">${formula}</SYSTEM></TDLMESSAGE></TDL>`
    : '';
  return (
    `<ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Export</TALLYREQUEST><TYPE>Collection</TYPE>` +
    `<ID>${formula ? 'PS Changes' : type}</ID></HEADER><BODY><DESC><STATICVARIABLES>` +
    `<SVCURRENTCOMPANY>${company}</SVCURRENTCOMPANY><SVEXPORTFORMAT>$$SysName:XML</SVEXPORTFORMAT>` +
    `</STATICVARIABLES>${tdl}</DESC></BODY></ENVELOPE>`
  );
}

function importRequest(id: string, objects: string): string {
  return (
    `<ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Import</TALLYREQUEST><TYPE>Data</TYPE><ID>${id}</ID></HEADER>` +
    `<BODY><DESC></DESC><DATA><TALLYMESSAGE>${objects}</TALLYMESSAGE></DATA></BODY></ENVELOPE>`
  );
}

/** The objects inside an export answer's COLLECTION, ready to be imported elsewhere. */
const collection = (answer: BooksAnswer): string =>
  body(answer)
    .replace(/^.*?<COLLECTION>/s, '')
    .replace(/<\/COLLECTION>.*$/s, '');

function response(answer: BooksAnswer): Record<string, unknown> {
  return parser.parse(body(answer)).RESPONSE as Record<string, unknown>;
}

const comparable = (company: BooksCompany) =>
  (['LEDGER', 'GROUP', 'STOCKITEM', 'UNIT', 'CURRENCY', 'VOUCHERTYPE', 'COSTCENTRE', 'VOUCHER'] as const)
    .flatMap((t) => company.changed(t))
    .filter((o) => o.type === 'VOUCHER' || !o.reserved)
    .map((o) => {
      const { masterId: _m, voucherId: _v, alterId: _a, ...rest } = objectView(company, o);
      return rest;
    })
    .sort((a, b) => a.guid.localeCompare(b.guid));

describe('books XML interface', () => {
  it('round-trips: what one company exports, another imports into equal books (GUIDs kept)', () => {
    const ho = seedCompany('spec-seed', 'ho', 'Head Office Ltd', 60, NOW);
    const branch = seedCompany('spec-seed', 'br', 'Branch Pune', 0, NOW);
    const masters = xml.handle(
      branch,
      importRequest('All Masters', collection(xml.handle(ho, exportRequest('All Masters')))),
    );
    expect(response(masters)).toMatchObject({ ERRORS: '0', IGNORED: '28' });
    const vouchers = xml.handle(
      branch,
      importRequest('Vouchers', collection(xml.handle(ho, exportRequest('Voucher')))),
    );
    expect(response(vouchers)).toMatchObject({ CREATED: '60', ERRORS: '0', ALTERED: '0' });
    expect(comparable(branch)).toEqual(comparable(ho));
    // The same import again changes nothing.
    const again = xml.handle(
      branch,
      importRequest('Vouchers', collection(xml.handle(ho, exportRequest('Voucher')))),
    );
    expect(response(again)).toMatchObject({ CREATED: '0', ALTERED: '0', IGNORED: '60' });
  });

  it('exports groups parents first, so a parent renamed after its child was made still imports first', () => {
    const ho = seedCompany('spec-seed', 'ho', 'Head Office Ltd', 0, NOW);
    ho.apply('Create', { type: 'GROUP', name: 'West Zone', fields: { parent: 'Sundry Debtors' } });
    ho.apply('Create', { type: 'GROUP', name: 'Pune Debtors', fields: { parent: 'West Zone' } });
    const west = ho.findByName('GROUP', 'West Zone');
    ho.apply('Alter', {
      type: 'GROUP',
      guid: west?.guid,
      name: 'Western Zone',
      fields: { parent: 'Sundry Debtors' },
    });
    const branch = seedCompany('spec-seed', 'br', 'Branch Pune', 0, NOW);
    const answer = xml.handle(
      branch,
      importRequest('All Masters', collection(xml.handle(ho, exportRequest('All Masters')))),
    );
    expect(response(answer)).toMatchObject({ CREATED: '2', ERRORS: '0' });
    expect(comparable(branch)).toEqual(comparable(ho));
  });

  it('exports only what changed in the ALTERID window of the TDL filter', () => {
    const ho = seedCompany('spec-seed', 'ho', 'Head Office Ltd', 20, NOW);
    const mark = ho.lastAlterId - 5;
    const answer = parser.parse(
      body(xml.handle(ho, exportRequest('Voucher', `$AlterID > ${mark} AND $AlterID &lt;= ${mark + 3}`))),
    );
    const exported = answer.ENVELOPE.BODY.DATA.COLLECTION.VOUCHER as { ALTERID: string; GUID: string }[];
    expect(exported.map((v) => Number(v.ALTERID))).toEqual([mark + 1, mark + 2, mark + 3]);
    expect(windowOf(['$$Number:$AlterID >= 10', '$ALTERID < 20'])).toEqual({ after: 9, upTo: 19 });
  });

  it('answers an import with the RESPONSE counters and a LINEERROR for the failed object only', () => {
    const ho = seedCompany('spec-seed', 'ho', 'Head Office Ltd', 5, NOW);
    const good = `<VOUCHER VCHTYPE="Payment" ACTION="Create"><GUID>g-ok</GUID><DATE>20260110</DATE><VOUCHERTYPENAME>Payment</VOUCHERTYPENAME><VOUCHERNUMBER>77</VOUCHERNUMBER>
      <ALLLEDGERENTRIES.LIST><LEDGERNAME>Rent</LEDGERNAME><ISDEEMEDPOSITIVE>Yes</ISDEEMEDPOSITIVE><AMOUNT>-2500.00</AMOUNT></ALLLEDGERENTRIES.LIST>
      <ALLLEDGERENTRIES.LIST><LEDGERNAME>Cash</LEDGERNAME><ISDEEMEDPOSITIVE>No</ISDEEMEDPOSITIVE><AMOUNT>2500.00</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER>`;
    const bad = good
      .replace('g-ok', 'g-bad')
      .replace('<LEDGERNAME>Rent</LEDGERNAME>', '<LEDGERNAME>Staff Welfare</LEDGERNAME>');
    const answer = response(xml.handle(ho, importRequest('Vouchers', good + bad)));
    expect(answer).toMatchObject({
      CREATED: '1',
      ERRORS: '1',
      ALTERED: '0',
      DELETED: '0',
      COMBINED: '0',
      CANCELLED: '0',
    });
    expect(answer.LINEERROR).toEqual({
      '#text': "Ledger 'Staff Welfare' does not exist!",
      '@_INDEX': '2',
      '@_GUID': 'g-bad',
    });
    expect(ho.get('g-ok')).toBeDefined();
    expect(ho.get('g-bad')).toBeUndefined();
    expect(Number(answer.LASTVCHID)).toBe(ho.get('g-ok')?.id);
  });

  it('renames through ACTION Alter with the same GUID and deletes through ACTION Delete, deletions exported', () => {
    const ho = seedCompany('spec-seed', 'ho', 'Head Office Ltd', 5, NOW);
    const cash = ho.findByName('LEDGER', 'Cash');
    const mark = ho.lastAlterId;
    const rename = `<LEDGER NAME="Cash" ACTION="Alter"><GUID>${cash?.guid}</GUID><PARENT>Cash-in-Hand</PARENT><CURRENCYNAME>₹</CURRENCYNAME><OPENINGBALANCE>${cash?.fields.openingBalance}</OPENINGBALANCE><NAME.LIST><NAME>Cash at Counter</NAME></NAME.LIST></LEDGER>`;
    expect(response(xml.handle(ho, importRequest('All Masters', rename)))).toMatchObject({
      ALTERED: '1',
      CREATED: '0',
    });
    expect(ho.findByName('LEDGER', 'Cash at Counter')?.guid).toBe(cash?.guid);
    const voucher = ho.changed('VOUCHER')[0];
    const del = `<VOUCHER ACTION="Delete"><GUID>${voucher.guid}</GUID></VOUCHER>`;
    expect(response(xml.handle(ho, importRequest('Vouchers', del)))).toMatchObject({ DELETED: '1' });
    const deleted = parser.parse(
      body(xml.handle(ho, exportRequest('Deleted Objects', `$AlterID > ${mark}`))),
    );
    expect(deleted.ENVELOPE.BODY.DATA.COLLECTION.DELETEDOBJECT).toMatchObject({
      GUID: voucher.guid,
      OBJECTTYPE: 'VOUCHER',
      ALTERID: String(mark + 2),
    });
  });

  it('answers garbage, unknown collections and another company’s name as Tally does', () => {
    const ho = seedCompany('spec-seed', 'ho', 'Head Office Ltd', 0, NOW);
    expect(body(xml.handle(ho, '<ENVELOPE><HEADER>'))).toBe(UNKNOWN_REQUEST);
    expect(body(xml.handle(ho, 'not xml at all'))).toBe(UNKNOWN_REQUEST);
    expect(
      parseBooksRequest('<ENVELOPE><HEADER><TALLYREQUEST>Execute</TALLYREQUEST></HEADER></ENVELOPE>'),
    ).toEqual({ kind: 'unknown' });
    expect(body(xml.handle(ho, exportRequest('Daybook Summary')))).toContain(
      '<LINEERROR>Could not find Collection &apos;Daybook Summary&apos;!</LINEERROR>',
    );
    expect(body(xml.handle(ho, exportRequest('Ledger', undefined, 'Other Co')))).toContain(
      '<STATUS>0</STATUS>',
    );
  });
});
