/** Sample GET2B answers shaped like the GSTN API (and the sandbox). */
export const GSTIN = '27AAACR5055K1Z7';
export const PERIOD = '032025';

export function invoice(inum: string, val = 1180) {
  return {
    inum,
    typ: 'R',
    dt: '05-03-2025',
    val,
    pos: '27',
    rev: 'N',
    itcavl: 'Y',
    rsn: '',
    items: [
      {
        num: 1,
        rt: 18,
        txval: val / 1.18,
        igst: 0,
        cgst: (val / 1.18) * 0.09,
        sgst: (val / 1.18) * 0.09,
        cess: 0,
      },
    ],
  };
}

export function document2b(suppliers: { ctin: string; invoices: Record<string, unknown>[] }[]) {
  return {
    gstin: GSTIN,
    rtnprd: PERIOD,
    version: '1.0',
    gendt: '14-04-2025',
    itcsumm: { itcavl: { nonrevsup: { igst: 0 } } },
    docdata: {
      b2b: suppliers.map((s) => ({
        ctin: s.ctin,
        trdnm: `Supplier ${s.ctin.slice(2, 7)}`,
        supfildt: '11-04-2025',
        supprd: PERIOD,
        inv: s.invoices,
      })),
    },
  };
}

export const ok = (data: unknown) => ({ status_cd: '1', data });
export const gstError = (error_cd: string, message = 'x') => ({
  status_cd: '0',
  error: { error_cd, message },
});
