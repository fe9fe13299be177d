import { deletionsOf, objectsOf, refsOf } from './books-objects';
import { collectionOf, exportRequestXml, importRequestXml, NotTallyXml, TallyRefusal } from './tally-xml';

const envelope = (data: string) =>
  `<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>1</STATUS></HEADER><BODY><DESC></DESC><DATA>${data}</DATA></BODY></ENVELOPE>`;

describe('Tally XML', () => {
  it('asks for an ALTERID window through a TDL filter', () => {
    const xml = exportRequestXml('Voucher', { after: 1200, upTo: 2200 });
    expect(xml).toContain('<TYPE>Voucher</TYPE>');
    expect(xml).toContain('$AlterID &gt; 1200 AND $AlterID &lt;= 2200');
  });

  it('reads objects and deletions of a collection, values as Tally wrote them', () => {
    const collection = collectionOf(
      envelope(
        '<COLLECTION><LEDGER NAME="Sai &amp; Sons" RESERVEDNAME=""><GUID>g-1</GUID><ALTERID>161</ALTERID><PARENT>Local Debtors</PARENT><CURRENCYNAME>₹</CURRENCYNAME></LEDGER>' +
          '<VOUCHER REMOTEID="g-2"><GUID>g-2</GUID><ALTERID>201</ALTERID><VOUCHERNUMBER>007</VOUCHERNUMBER><VOUCHERTYPENAME>Sales</VOUCHERTYPENAME><ALLLEDGERENTRIES.LIST><LEDGERNAME>Sai &amp; Sons</LEDGERNAME><AMOUNT>-1180.00</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER>' +
          '<DELETEDOBJECT><GUID>g-3</GUID><OBJECTTYPE>VOUCHER</OBJECTTYPE><ALTERID>205</ALTERID></DELETEDOBJECT></COLLECTION>',
      ),
      'test',
    );
    const [ledger, voucher] = objectsOf(collection);
    expect(ledger).toMatchObject({
      tag: 'LEDGER',
      guid: 'g-1',
      alterId: 161,
      name: 'Sai & Sons',
      reserved: false,
    });
    expect(refsOf(ledger)).toEqual([
      { tag: 'GROUP', name: 'Local Debtors' },
      { tag: 'CURRENCY', name: '₹' },
    ]);
    expect(voucher.node.VOUCHERNUMBER).toBe('007');
    expect(refsOf(voucher)).toEqual([
      { tag: 'VOUCHERTYPE', name: 'Sales' },
      { tag: 'LEDGER', name: 'Sai & Sons' },
    ]);
    expect(deletionsOf(collection)).toEqual([{ tag: 'VOUCHER', guid: 'g-3', alterId: 205 }]);
    const xml = importRequestXml([{ tag: 'VOUCHER', node: voucher.node, action: 'Create' }]);
    expect(xml).toContain('<VOUCHER REMOTEID="g-2" ACTION="Create">');
    expect(xml).toContain('<VOUCHERNUMBER>007</VOUCHERNUMBER>');
  });

  it('tells garbage from a refusal', () => {
    expect(() => collectionOf('<<<not xml', 'x')).toThrow(NotTallyXml);
    expect(() => collectionOf('{"json":true}', 'x')).toThrow(NotTallyXml);
    expect(() => collectionOf('<RESPONSE>Unknown Request, cannot be processed</RESPONSE>', 'x')).toThrow(
      TallyRefusal,
    );
    const refused =
      "<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>0</STATUS></HEADER><BODY><DATA><LINEERROR>Could not find Collection 'X'!</LINEERROR></DATA></BODY></ENVELOPE>";
    expect(() => collectionOf(refused, 'x')).toThrow(TallyRefusal);
  });
});
