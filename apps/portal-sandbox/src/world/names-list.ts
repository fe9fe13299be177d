/** Deductor names for AIS and 26AS entries. */
export const names = [
  'State Bank of India',
  'HDFC Bank Ltd',
  'ICICI Bank Ltd',
  'Infosys Ltd',
  'Tata Consultancy Services Ltd',
  'Axis Bank Ltd',
  'Larsen and Toubro Ltd',
  'Kotak Mahindra Bank Ltd',
] as const;
