import { noticeOf, noticeStatusOf } from './notice-of';

describe('noticeOf', () => {
  it('reads a GST notice, its DD-MM-YYYY dates made ISO and the portal text kept', () => {
    const data = {
      gstin: '27AAACR5055K1Z7',
      kind: 'notice',
      arn: 'ZA270426000123X',
      noticeType: 'ASMT-10',
      dueDateOfReply: '30-05-2026',
      dateOfIssue: '30-04-2026',
      description: 'Scrutiny of returns',
      status: 'Open',
    };
    expect(noticeOf('gst.notices_return_register', 'k', data)).toEqual({
      noticeId: 'ZA270426000123X',
      section: 'ASMT-10',
      status: 'open',
      portalStatus: 'Open',
      dueDate: '2026-05-30',
      issuedOn: '2026-04-30',
      portalDates: { dueDate: '30-05-2026', issuedOn: '30-04-2026' },
      description: 'Scrutiny of returns',
    });
  });

  it('reads an Income Tax e-proceeding (ISO dates already)', () => {
    const data = {
      kind: 'proceeding',
      proceedingReqId: 'PR-1',
      proceedingName: 'Scrutiny',
      noticeSection: '143(2)',
      responseDueDate: '2026-06-01',
      issuedOn: '2026-05-01',
      proceedingStatus: 'Response submitted',
      closureOrder: null,
    };
    expect(noticeOf('itr.notices_orders', 'k', data)).toMatchObject({
      noticeId: 'PR-1',
      section: '143(2)',
      status: 'replied',
      dueDate: '2026-06-01',
      issuedOn: '2026-05-01',
    });
  });

  it('keeps a date it cannot read as null, with the portal text, and never throws', () => {
    const data = { kind: 'notice', arn: 'A', dueDateOfReply: '31-02-2026', dateOfIssue: 'soon' };
    expect(noticeOf('gst.notices_return_register', 'k', data)).toMatchObject({
      dueDate: null,
      issuedOn: null,
      portalDates: { dueDate: '31-02-2026', issuedOn: 'soon' },
    });
    expect(
      noticeOf('gst.notices_return_register', 'k', { kind: 'notice', arn: 'A', dueDateOfReply: 7 }),
    ).toMatchObject({
      dueDate: null,
      portalDates: { dueDate: '7' },
    });
  });

  it('falls back to the natural key when the portal gives no id', () => {
    expect(noticeOf('gst.notices_return_register', 'g|notice|', { kind: 'notice' })).toMatchObject({
      noticeId: 'g|notice|',
      status: 'open',
      dueDate: null,
    });
  });

  it('ignores filings, demands and other categories', () => {
    expect(noticeOf('gst.notices_return_register', 'k', { kind: 'filing', arn: 'A' })).toBeNull();
    expect(noticeOf('itr.notices_orders', 'k', { kind: 'demand', din: 'D' })).toBeNull();
    expect(noticeOf('gst.gstr2b', 'k', { kind: 'notice', arn: 'A' })).toBeNull();
    expect(noticeOf('itr.notices_orders', 'k', null)).toBeNull();
  });
});

describe('noticeStatusOf', () => {
  it.each([
    ['Open', null, 'open'],
    ['Replied', null, 'replied'],
    ['Response submitted', null, 'replied'],
    ['Closed', null, 'closed'],
    ['Open', { DIN: 'X', orderDate: '2026-01-01' }, 'closed'],
    [null, null, 'open'],
    ['Something new', null, 'open'],
  ] as const)('%s (closure order %j) is %s', (portal, closure, status) => {
    expect(noticeStatusOf(portal, closure)).toBe(status);
  });
});
