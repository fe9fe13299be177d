/** The data-category catalogue (DESIGN.md, "Data categories"). */
export const Portals = ['gst', 'itr', 'esign'] as const;
export type Portal = (typeof Portals)[number];

export const Categories = [
  'itr.notices_orders',
  'itr.ais_tis_26as',
  'itr.returns',
  'itr.filing_status',
  'gst.notices_return_register',
  'gst.gstr2b',
  'gst.gstr3b_ledgers',
  'gst.gstr1_1a',
  'gst.ims_2a',
  'esign.signature_timestamps',
] as const;
export type Category = (typeof Categories)[number];

/** `gst.all` / `itr.all`: every category of that portal; `all`: every category of every portal. */
export const CategoryAliases = ['gst.all', 'itr.all', 'all'] as const;
export type CategoryAlias = (typeof CategoryAliases)[number];

/** Which identifier of a client a category's jobs run per. */
export type SubjectKind = 'gstin' | 'pan' | 'esignClientFileId';

export interface CategoryInfo {
  id: Category;
  portal: Portal;
  subject: SubjectKind;
  description: string;
}

const SUBJECT_BY_PORTAL: Record<Portal, SubjectKind> = {
  gst: 'gstin',
  itr: 'pan',
  esign: 'esignClientFileId',
};

const DESCRIPTIONS: Record<Category, string> = {
  'itr.notices_orders': 'e-proceedings notices, orders, outstanding demand',
  'itr.ais_tis_26as': 'AIS, TIS and Form 26AS entries',
  'itr.returns': 'filed ITRs (ack number, form, AY, date)',
  'itr.filing_status': 'processing status of each filed return',
  'gst.notices_return_register': 'notices and the return filing register (RETTRACK)',
  'gst.gstr2b': 'GSTR-2B (all pages)',
  'gst.gstr3b_ledgers': 'GSTR-3B summary, cash / credit / liability ledgers',
  'gst.gstr1_1a': 'GSTR-1 and GSTR-1A sections',
  'gst.ims_2a': 'IMS invoices and GSTR-2A',
  'esign.signature_timestamps':
    'signing status, timestamps and completion certificates per taxpayer of a client file',
};

export function portalOf(category: Category): Portal {
  return category.slice(0, category.indexOf('.')) as Portal;
}

export const CATALOGUE: readonly CategoryInfo[] = Categories.map((id) => ({
  id,
  portal: portalOf(id),
  subject: SUBJECT_BY_PORTAL[portalOf(id)],
  description: DESCRIPTIONS[id],
}));

export function isCategory(value: string): value is Category {
  return (Categories as readonly string[]).includes(value);
}

export function isCategoryOrAlias(value: string): value is Category | CategoryAlias {
  return isCategory(value) || (CategoryAliases as readonly string[]).includes(value);
}

export function subjectKindOf(category: Category): SubjectKind {
  return SUBJECT_BY_PORTAL[portalOf(category)];
}

/** Expands `all`, `gst.all` and `itr.all` and removes duplicates, keeping catalogue order. */
export function expandCategories(requested: readonly string[]): Category[] {
  const wanted = new Set<Category>();
  for (const value of requested) {
    if (value === 'all') {
      Categories.forEach((c) => wanted.add(c));
    } else if (value === 'gst.all' || value === 'itr.all') {
      const portal = value.slice(0, 3);
      Categories.filter((c) => c.startsWith(`${portal}.`)).forEach((c) => wanted.add(c));
    } else if (isCategory(value)) {
      wanted.add(value);
    } else {
      throw new Error(`unknown category "${value}"`);
    }
  }
  return Categories.filter((c) => wanted.has(c));
}
