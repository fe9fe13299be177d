import { XMLParser } from 'fast-xml-parser';

import type { RunningSandbox } from '../../test/sandbox-test-app';
import { startSandbox } from '../../test/sandbox-test-app';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (name) => ['VOUCHER', 'LEDGER', 'DELETEDOBJECT', 'LINEERROR'].includes(name),
});

type Json = Record<string, unknown> & { guid: string; alterId: number };
interface ExportAnswer {
  ENVELOPE: {
    HEADER: { STATUS: string };
    BODY: { DATA: { COLLECTION: Record<string, Record<string, unknown>[]> } };
  };
}
interface ImportAnswer {
  RESPONSE: Record<string, unknown> & { LINEERROR: { '#text': string }[] };
}

function exportXml(type: string, afterAlterId = 0): string {
  return (
    `<ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Export</TALLYREQUEST><TYPE>Collection</TYPE><ID>PS Since</ID></HEADER>` +
    `<BODY><DESC><STATICVARIABLES><SVEXPORTFORMAT>$$SysName:XML</SVEXPORTFORMAT></STATICVARIABLES><TDL><TDLMESSAGE>` +
    `<COLLECTION NAME="PS Since"><TYPE>${type}</TYPE><FETCH>*</FETCH><FILTER>PSAfter</FILTER></COLLECTION>` +
    `<SYSTEM TYPE="Formulae" NAME="PSAfter">$AlterID &gt; ${afterAlterId}</SYSTEM></TDLMESSAGE></TDL></DESC></BODY></ENVELOPE>`
  );
}

describe('sandbox books servers (HTTP)', () => {
  let sandbox: RunningSandbox;
  let url: string;

  const json = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const xml = async <T = ExportAnswer>(booksUrl: string, body: string): Promise<T> => {
    const res = await fetch(booksUrl, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    expect(res.status).toBe(200);
    return parser.parse(await res.text()) as T;
  };
  const company = async (
    key: string,
    vouchers: number,
  ): Promise<{ booksUrl: string; lastAlterId: number }> => {
    const res = await json('POST', '/_sandbox/books/companies', { key, name: `Company ${key}`, vouchers });
    expect(res.status).toBe(201);
    return (await res.json()) as { booksUrl: string; lastAlterId: number };
  };
  const act = async (key: string, body: unknown): Promise<Json> => {
    const res = await json('POST', `/_sandbox/books/${key}/objects`, body);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
    url = sandbox.url;
  });
  afterAll(() => sandbox.close());
  beforeEach(() => json('POST', '/_sandbox/reset'));

  it('creates a company whose booksUrl serves its seeded vouchers in Tally XML', async () => {
    const ho = await company('int-ho', 40);
    expect(ho.booksUrl).toBe(`${url}/books/int-ho`);
    const answer = await xml(ho.booksUrl, exportXml('Voucher'));
    const vouchers = answer.ENVELOPE.BODY.DATA.COLLECTION.VOUCHER;
    expect(vouchers).toHaveLength(40);
    expect(vouchers[0]).toHaveProperty(['ALLLEDGERENTRIES.LIST']);
    const listed = (await (
      await json('GET', '/_sandbox/books/int-ho/objects?type=voucher')
    ).json()) as Json[];
    expect(listed.map((v) => v.guid).sort()).toEqual(vouchers.map((v) => v.GUID).sort());
  });

  it('lets staff create, rename, alter and delete; the export since a watermark shows each change', async () => {
    const ho = await company('int-staff', 20);
    const mark = ho.lastAlterId;
    const ledger = await act('int-staff', { action: 'create', type: 'ledger' });
    const renamed = await act('int-staff', {
      action: 'rename',
      type: 'ledger',
      guid: ledger.guid,
      body: { name: 'Pune Traders' },
    });
    expect(renamed).toMatchObject({ guid: ledger.guid, name: 'Pune Traders', outcome: 'altered' });
    expect(renamed.alterId).toBeGreaterThan(ledger.alterId);
    const [voucher] = (await (
      await json('GET', '/_sandbox/books/int-staff/objects?type=VOUCHER')
    ).json()) as Json[];
    const altered = await act('int-staff', { action: 'alter', type: 'voucher', guid: voucher.guid });
    expect(altered.narration).toMatch(/corrected/);
    await act('int-staff', { action: 'delete', type: 'voucher', guid: voucher.guid });

    const ledgers = (await xml(ho.booksUrl, exportXml('Ledger', mark))).ENVELOPE.BODY.DATA.COLLECTION.LEDGER;
    expect(ledgers).toEqual([expect.objectContaining({ GUID: ledger.guid, '@_NAME': 'Pune Traders' })]);
    const deleted = (await xml(ho.booksUrl, exportXml('Deleted Objects', mark))).ENVELOPE.BODY.DATA.COLLECTION
      .DELETEDOBJECT;
    expect(deleted).toEqual([expect.objectContaining({ GUID: voucher.guid, OBJECTTYPE: 'VOUCHER' })]);
    const vouchers = (await xml(ho.booksUrl, exportXml('Voucher', mark))).ENVELOPE.BODY.DATA.COLLECTION;
    expect(vouchers).toBe('');
  });

  it('imports XML with Tally’s RESPONSE, one LINEERROR per failed voucher', async () => {
    const br = await company('int-branch', 0);
    const voucher = `<VOUCHER VCHTYPE="Sales" ACTION="Create"><GUID>x-1</GUID><DATE>20260101</DATE><VOUCHERTYPENAME>Sales</VOUCHERTYPENAME>
      <ALLLEDGERENTRIES.LIST><LEDGERNAME>Cash</LEDGERNAME><AMOUNT>-1.00</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER>`;
    const body = `<ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Import</TALLYREQUEST><TYPE>Data</TYPE><ID>Vouchers</ID></HEADER><BODY><DATA><TALLYMESSAGE>${voucher}</TALLYMESSAGE></DATA></BODY></ENVELOPE>`;
    const { RESPONSE } = await xml<ImportAnswer>(br.booksUrl, body);
    expect(RESPONSE).toMatchObject({ CREATED: '0', ERRORS: '1' });
    expect(RESPONSE.LINEERROR[0]['#text']).toBe("Voucher Type 'Sales' does not exist!");
    const asJson = await fetch(br.booksUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await asJson.text()).toBe('<RESPONSE>Unknown Request, cannot be processed</RESPONSE>');
    expect(await (await fetch(br.booksUrl, { method: 'POST', body: '<<<' })).text()).toBe(
      '<RESPONSE>Unknown Request, cannot be processed</RESPONSE>',
    );
  });

  it('drops the connection of an offline company until it is back online; reset forgets the books', async () => {
    const ho = await company('int-off', 1);
    expect((await json('PUT', '/_sandbox/faults/books/int-off', { offline: true })).status).toBe(200);
    await expect(fetch(ho.booksUrl, { method: 'POST', body: exportXml('Ledger') })).rejects.toThrow();
    await json('PUT', '/_sandbox/faults/books/int-off', { offline: false });
    expect((await xml(ho.booksUrl, exportXml('Ledger'))).ENVELOPE.HEADER.STATUS).toBe('1');
    await json('POST', '/_sandbox/reset');
    expect((await fetch(ho.booksUrl, { method: 'POST', body: exportXml('Ledger') })).status).toBe(404);
  });

  it.each([
    ['a bad key', 'POST', '/_sandbox/books/companies', { key: 'no spaces', name: 'X' }, 'key', 400],
    [
      'negative vouchers',
      'POST',
      '/_sandbox/books/companies',
      { key: 'k', name: 'X', vouchers: -1 },
      'vouchers',
      400,
    ],
    ['an unknown field', 'POST', '/_sandbox/books/companies', { key: 'k', name: 'X', seed: 1 }, 'seed', 400],
    [
      'a rename without guid',
      'POST',
      '/_sandbox/books/int-bad/objects',
      { action: 'rename', type: 'ledger' },
      'guid',
      400,
    ],
    [
      'an unknown type',
      'POST',
      '/_sandbox/books/int-bad/objects',
      { action: 'create', type: 'invoice' },
      'type',
      400,
    ],
    [
      'an unknown action',
      'POST',
      '/_sandbox/books/int-bad/objects',
      { action: 'merge', type: 'ledger' },
      'action',
      400,
    ],
    ['offline as text', 'PUT', '/_sandbox/faults/books/int-bad', { offline: 'yes' }, 'offline', 400],
  ])('answers problem+json for %s', async (_label, method, path, body, field, status) => {
    await company('int-bad', 0);
    const res = await json(method, path, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toContain(field);
  });

  it('answers 404, 409 and 422 for an unknown company, a second company of a key and a rejected change', async () => {
    expect((await json('GET', '/_sandbox/books/nobody/objects')).status).toBe(404);
    await company('int-dup', 0);
    expect((await json('POST', '/_sandbox/books/companies', { key: 'int-dup', name: 'Again' })).status).toBe(
      409,
    );
    const bad = await json('POST', '/_sandbox/books/int-dup/objects', {
      action: 'create',
      type: 'ledger',
      body: { name: 'Anil Traders', parent: 'Trade Debtors' },
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { detail: string }).detail).toBe("Group 'Trade Debtors' does not exist!");
  });

  it('serves a 20,000-voucher company and streams its whole voucher export', async () => {
    const big = await company('int-big', 20_000);
    const res = await fetch(big.booksUrl, { method: 'POST', body: exportXml('Voucher') });
    const text = await res.text();
    expect(text.match(/<VOUCHER /g)).toHaveLength(20_000);
  });
});
