/**
 * The `books` bench's baseline: the sandbox's own export of a company's books and their import into another
 * company over the same HTTP / Tally XML, with no pipeline — no Kafka, no connector, no XML parsing beyond
 * cutting the export's COLLECTION out and posting it back as one Import. The sandbox exports objects in
 * Tally's import shape, so this is the least work a consolidation over Tally's XML can do.
 */

/** An Export of a collection of one type, optionally an ALTERID window `after < ALTERID <= upTo`. */
export function exportEnvelope(type: string, window?: { after: number; upTo: number }): string {
  const filter = window ? '<FILTER>PSWindow</FILTER>' : '';
  const formula = window
    ? `<SYSTEM TYPE="Formulae" NAME="PSWindow">$AlterID &gt; ${window.after} AND $AlterID &lt;= ${window.upTo}</SYSTEM>`
    : '';
  return (
    '<ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Export</TALLYREQUEST><TYPE>Collection</TYPE>' +
    '<ID>PS Bench</ID></HEADER><BODY><DESC><STATICVARIABLES><SVEXPORTFORMAT>$$SysName:XML</SVEXPORTFORMAT>' +
    `</STATICVARIABLES><TDL><TDLMESSAGE><COLLECTION NAME="PS Bench"><TYPE>${type}</TYPE><FETCH>*</FETCH>` +
    `${filter}</COLLECTION>${formula}</TDLMESSAGE></TDL></DESC></BODY></ENVELOPE>`
  );
}

/** The inside of an export answer's COLLECTION; throws on a refusal or anything that is not one. */
export function collectionBody(exportXml: string): string {
  if (!/<STATUS>1<\/STATUS>/.test(exportXml)) throw new Error('export refused (no STATUS 1)');
  const empty = /<COLLECTION\s*\/>/.exec(exportXml);
  if (empty) return '';
  const open = /<COLLECTION(\s[^>]*)?>/.exec(exportXml);
  const close = exportXml.lastIndexOf('</COLLECTION>');
  if (!open || close < open.index) throw new Error('export answer has no COLLECTION');
  return exportXml.slice(open.index + open[0].length, close);
}

/** An Import of exported objects as they are, in one TALLYMESSAGE (Tally reads several objects per message). */
export function importEnvelope(objectsXml: string): string {
  return (
    '<ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Import</TALLYREQUEST><TYPE>Data</TYPE>' +
    `<ID>Vouchers</ID></HEADER><BODY><DESC></DESC><DATA><TALLYMESSAGE>${objectsXml}</TALLYMESSAGE>` +
    '</DATA></BODY></ENVELOPE>'
  );
}

export interface ImportCounters {
  created: number;
  altered: number;
  ignored: number;
  errors: number;
}

/** Tally's RESPONSE counters; throws when the answer is not a RESPONSE. */
export function importCounters(responseXml: string): ImportCounters {
  if (!responseXml.includes('<RESPONSE>')) throw new Error('import answer is not a RESPONSE');
  const read = (tag: string): number => {
    const m = new RegExp(`<${tag}>(\\d+)</${tag}>`).exec(responseXml);
    if (!m) throw new Error(`import answer has no ${tag}`);
    return Number(m[1]);
  };
  return {
    created: read('CREATED'),
    altered: read('ALTERED'),
    ignored: read('IGNORED'),
    errors: read('ERRORS'),
  };
}

/** The company's last ALTERID from a `Company` export. */
export function lastAlterIdOf(companyXml: string): number {
  const m = /<LASTALTERID>(\d+)<\/LASTALTERID>/.exec(companyXml);
  if (!m) throw new Error('company export has no LASTALTERID');
  return Number(m[1]);
}

/** ALTERID windows of `size` covering (0, last]. */
export function alterWindows(last: number, size: number): { after: number; upTo: number }[] {
  if (!Number.isInteger(size) || size < 1) throw new Error('window size must be a positive integer');
  const out: { after: number; upTo: number }[] = [];
  for (let after = 0; after < last; after += size) out.push({ after, upTo: Math.min(last, after + size) });
  return out;
}

async function post(url: string, xml: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
  const body = await res.text();
  if (!res.ok) throw new Error(`POST ${url} → HTTP ${res.status}`);
  return body;
}

/**
 * Copies every master, then every voucher in ALTERID windows, from one books server to another: one export
 * and one import per window, in sequence. Returns the receiver's counters summed, and the bytes of the
 * exported objects' XML (the size of the books, for MB/s).
 */
export async function copyBooks(
  fromUrl: string,
  toUrl: string,
  windowSize: number,
): Promise<ImportCounters & { bytes: number }> {
  const sum = { created: 0, altered: 0, ignored: 0, errors: 0, bytes: 0 };
  const add = (c: ImportCounters) => {
    sum.created += c.created;
    sum.altered += c.altered;
    sum.ignored += c.ignored;
    sum.errors += c.errors;
  };
  // Masters first (reserved groups answer IGNORED), so the vouchers' ledgers exist.
  const masters = collectionBody(await post(fromUrl, exportEnvelope('All Masters')));
  sum.bytes += Buffer.byteLength(masters);
  if (masters) add(importCounters(await post(toUrl, importEnvelope(masters))));
  const last = lastAlterIdOf(await post(fromUrl, exportEnvelope('Company')));
  for (const window of alterWindows(last, windowSize)) {
    const vouchers = collectionBody(await post(fromUrl, exportEnvelope('Voucher', window)));
    sum.bytes += Buffer.byteLength(vouchers);
    if (vouchers) add(importCounters(await post(toUrl, importEnvelope(vouchers))));
  }
  return sum;
}
