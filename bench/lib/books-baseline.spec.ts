import {
  alterWindows,
  collectionBody,
  exportEnvelope,
  importCounters,
  importEnvelope,
  lastAlterIdOf,
} from './books-baseline';

const answer = (inside: string) =>
  `<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>1</STATUS></HEADER><BODY><DESC></DESC><DATA><COLLECTION>${inside}</COLLECTION></DATA></BODY></ENVELOPE>`;

describe('books baseline XML', () => {
  it('asks for an ALTERID window with the escaped TDL formula, and for everything without one', () => {
    const windowed = exportEnvelope('Voucher', { after: 1200, upTo: 2200 });
    expect(windowed).toContain('<TYPE>Voucher</TYPE>');
    expect(windowed).toContain('<FILTER>PSWindow</FILTER>');
    expect(windowed).toContain('$AlterID &gt; 1200 AND $AlterID &lt;= 2200');
    const all = exportEnvelope('All Masters');
    expect(all).toContain('<TYPE>All Masters</TYPE>');
    expect(all).not.toContain('FILTER');
  });

  it('cuts the objects out of an export and posts them back as they are, in one TALLYMESSAGE', () => {
    const objects =
      '<VOUCHER REMOTEID="g1"><GUID>g1</GUID></VOUCHER><VOUCHER REMOTEID="g2"><GUID>g2</GUID></VOUCHER>';
    const body = collectionBody(answer(objects));
    expect(body).toBe(objects);
    expect(importEnvelope(body)).toContain(`<TALLYREQUEST>Import</TALLYREQUEST>`);
    expect(importEnvelope(body)).toContain(`<DATA><TALLYMESSAGE>${objects}</TALLYMESSAGE></DATA>`);
  });

  it('reads an empty collection as nothing and refuses a STATUS 0 answer or a bare RESPONSE', () => {
    expect(collectionBody(answer(''))).toBe('');
    expect(
      collectionBody(
        '<ENVELOPE><HEADER><STATUS>1</STATUS></HEADER><BODY><DATA><COLLECTION/></DATA></BODY></ENVELOPE>',
      ),
    ).toBe('');
    expect(() =>
      collectionBody(
        '<ENVELOPE><HEADER><STATUS>0</STATUS></HEADER><BODY><DATA><LINEERROR>x</LINEERROR></DATA></BODY></ENVELOPE>',
      ),
    ).toThrow('refused');
    expect(() => collectionBody('<RESPONSE>Unknown Request, cannot be processed</RESPONSE>')).toThrow();
  });

  it("reads Tally's RESPONSE counters and refuses an answer without them", () => {
    const response =
      '<RESPONSE><CREATED>998</CREATED><ALTERED>1</ALTERED><DELETED>0</DELETED><IGNORED>28</IGNORED><ERRORS>1</ERRORS>' +
      '<LINEERROR INDEX="2">Ledger does not exist!</LINEERROR></RESPONSE>';
    expect(importCounters(response)).toEqual({ created: 998, altered: 1, ignored: 28, errors: 1 });
    expect(() => importCounters('<RESPONSE><CREATED>1</CREATED></RESPONSE>')).toThrow('ALTERED');
    expect(() => importCounters('<html>502</html>')).toThrow('not a RESPONSE');
  });

  it('reads the last ALTERID and splits (0, last] into windows', () => {
    expect(lastAlterIdOf('<COMPANY NAME="x"><LASTALTERID>20187</LASTALTERID></COMPANY>')).toBe(20187);
    expect(() => lastAlterIdOf('<COMPANY/>')).toThrow();
    expect(alterWindows(2500, 1000)).toEqual([
      { after: 0, upTo: 1000 },
      { after: 1000, upTo: 2000 },
      { after: 2000, upTo: 2500 },
    ]);
    expect(alterWindows(0, 1000)).toEqual([]);
    expect(() => alterWindows(10, 0)).toThrow();
  });
});
