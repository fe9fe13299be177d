import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** A parsed XML element (fast-xml-parser shape: attributes as `@_NAME`, text as `#text`). */
export type XmlNode = Record<string, unknown>;

/** Tags that repeat: lists inside objects, the objects of a collection, errors of a response. */
const ARRAYS = new Set([
  'ALLLEDGERENTRIES.LIST',
  'LEDGERENTRIES.LIST',
  'ALLINVENTORYENTRIES.LIST',
  'INVENTORYENTRIES.LIST',
  'CATEGORYALLOCATIONS.LIST',
  'COSTCENTREALLOCATIONS.LIST',
  'GROUP',
  'LEDGER',
  'STOCKITEM',
  'UNIT',
  'CURRENCY',
  'VOUCHERTYPE',
  'COSTCENTRE',
  'VOUCHER',
  'DELETEDOBJECT',
  'COMPANY',
  'LINEERROR',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value as Tally wrote it (voucher numbers, amounts, codes): it is posted on as it is.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => ARRAYS.has(name),
  jPath: false,
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
});

/** The books server's answer is not Tally's XML (garbage, truncated, HTML error page). */
export class NotTallyXml extends Error {
  constructor(readonly what: string) {
    super(`${what}: the books server answered something that is not Tally's XML`);
    this.name = 'NotTallyXml';
  }
}

/** Tally answered with an envelope-level refusal (unknown request or collection, wrong company). */
export class TallyRefusal extends Error {
  constructor(readonly what: string) {
    super(`${what}: the books server refused the request`);
    this.name = 'TallyRefusal';
  }
}

export const isNode = (value: unknown): value is XmlNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const node = (value: unknown): XmlNode => (isNode(value) ? value : {});
export const nodes = (value: unknown): XmlNode[] =>
  Array.isArray(value) ? value.filter(isNode) : isNode(value) ? [value] : [];

/** A tag's text whether or not it carries attributes. */
export function text(value: unknown): string {
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isNode(value) && '#text' in value) return text(value['#text']);
  return '';
}

export function parseXml(xml: string, what: string): XmlNode {
  if (!xml.trim() || XMLValidator.validate(xml) !== true) throw new NotTallyXml(what);
  return parser.parse(xml) as XmlNode;
}

export function buildXml(root: XmlNode): string {
  return builder.build(root) as string;
}

/** An ALTERID window: after < ALTERID <= upTo. */
export interface AlterWindow {
  after: number;
  upTo: number;
}

/** An Export of a collection of one Tally type (or `All Masters`, `Deleted Objects`, `Company`) by ALTERID. */
export function exportRequestXml(type: string, window?: AlterWindow): string {
  const collection: XmlNode = { '@_NAME': 'PS Export', TYPE: type, FETCH: '*' };
  const tdl: XmlNode = { COLLECTION: collection };
  if (window) {
    collection.FILTER = 'PSWindow';
    tdl.SYSTEM = {
      '@_TYPE': 'Formulae',
      '@_NAME': 'PSWindow',
      '#text': `$AlterID > ${window.after} AND $AlterID <= ${window.upTo}`,
    };
  }
  return buildXml({
    ENVELOPE: {
      HEADER: { VERSION: 1, TALLYREQUEST: 'Export', TYPE: 'Collection', ID: 'PS Export' },
      BODY: {
        DESC: {
          STATICVARIABLES: { SVEXPORTFORMAT: '$$SysName:XML' },
          TDL: { TDLMESSAGE: tdl },
        },
      },
    },
  });
}

/** The COLLECTION of an export answer; an envelope with STATUS 0 or a bare RESPONSE is a refusal. */
export function collectionOf(xml: string, what: string): XmlNode {
  const root = parseXml(xml, what);
  if ('RESPONSE' in root) throw new TallyRefusal(what);
  if (!isNode(root.ENVELOPE)) throw new NotTallyXml(what);
  const envelope = root.ENVELOPE;
  const status = text(node(envelope.HEADER).STATUS);
  const data = node(node(envelope.BODY).DATA);
  if (status === '0' || 'LINEERROR' in data) throw new TallyRefusal(what);
  if (!('COLLECTION' in data)) throw new NotTallyXml(what);
  return node(data.COLLECTION);
}

/** An object to import: its Tally tag, its node and the ACTION to give it. */
export interface ImportObject {
  tag: string;
  node: XmlNode;
  action: 'Create' | 'Delete';
}

/** An Import of objects, one TALLYMESSAGE each so the server reads them (and numbers INDEX) in this order. */
export function importRequestXml(objects: readonly ImportObject[]): string {
  const vouchers = objects.some((o) => o.tag === 'VOUCHER');
  return buildXml({
    ENVELOPE: {
      HEADER: { VERSION: 1, TALLYREQUEST: 'Import', TYPE: 'Data', ID: vouchers ? 'Vouchers' : 'All Masters' },
      BODY: {
        DESC: {},
        DATA: {
          TALLYMESSAGE: objects.map((o) => ({ [o.tag]: { ...o.node, '@_ACTION': o.action } })),
        },
      },
    },
  });
}
