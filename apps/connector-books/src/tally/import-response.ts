import { isNode, node, NotTallyXml, parseXml, TallyRefusal, text } from './tally-xml';

export interface LineError {
  /** 1-based position in the request (sandbox; a real Tally sends none). */
  index: number | null;
  guid: string | null;
  /** Tally's text; it names ledgers and amounts, so it never leaves connector-books' own tables. */
  message: string;
}

/** Tally's RESPONSE to an Import: its counters and one LINEERROR per refused object. */
export interface ImportResponse {
  created: number;
  altered: number;
  deleted: number;
  ignored: number;
  errors: number;
  lineErrors: LineError[];
}

const count = (value: unknown, what: string): number => {
  const raw = text(value).trim();
  if (raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new NotTallyXml(what);
  return n;
};

export function parseImportResponse(xml: string, what: string): ImportResponse {
  const root = parseXml(xml, what);
  let response: unknown = root.RESPONSE;
  if (response === undefined && isNode(root.ENVELOPE)) {
    // An envelope answer to an import is an envelope-level refusal (STATUS 0, unknown report).
    const data = node(node(root.ENVELOPE.BODY).DATA);
    response = data.IMPORTRESULT ?? data.RESPONSE;
    if (response === undefined) throw new TallyRefusal(what);
  }
  // `<RESPONSE>Unknown Request, cannot be processed</RESPONSE>`
  if (typeof response === 'string') throw new TallyRefusal(what);
  if (!isNode(response)) throw new NotTallyXml(what);
  return {
    created: count(response.CREATED, what),
    altered: count(response.ALTERED, what),
    deleted: count(response.DELETED, what),
    ignored: count(response.IGNORED, what),
    errors: count(response.ERRORS, what),
    lineErrors: lineErrorsOf(response.LINEERROR),
  };
}

function lineErrorsOf(value: unknown): LineError[] {
  const items = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  return items.map((item) => {
    const attrs = isNode(item) ? item : {};
    const index = Number(text(attrs['@_INDEX']));
    const guid = text(attrs['@_GUID']);
    return {
      index: Number.isInteger(index) && index > 0 ? index : null,
      guid: guid || null,
      message: text(item).trim(),
    };
  });
}
