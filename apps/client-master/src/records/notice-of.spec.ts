import { noticeOf } from './notice-of';

describe('noticeOf', () => {
  it('reads a GST notice', () => {
    const data = {
      gstin: '27AAACR5055K1Z7',
      kind: 'notice',
      arn: 'ZA270426000123X',
      noticeType: 'ASMT-10',
      dueDateOfReply: '2026-05-30',
      dateOfIssue: '2026-04-30',
      description: 'Scrutiny of returns',
    };
    expect(noticeOf('gst.notices_return_register', 'k', data)).toEqual({
      noticeId: 'ZA270426000123X',
      section: 'ASMT-10',
      dueDate: '2026-05-30',
      issuedOn: '2026-04-30',
      description: 'Scrutiny of returns',
    });
  });

  it('reads an Income Tax e-proceeding', () => {
    const data = {
      kind: 'proceeding',
      proceedingReqId: 'PR-1',
      proceedingName: 'Scrutiny',
      noticeSection: '143(2)',
      responseDueDate: '2026-06-01',
      issuedOn: '2026-05-01',
    };
    expect(noticeOf('itr.notices_orders', 'k', data)).toMatchObject({
      noticeId: 'PR-1',
      section: '143(2)',
      dueDate: '2026-06-01',
    });
  });

  it('ignores filings, demands and other categories', () => {
    expect(noticeOf('gst.notices_return_register', 'k', { kind: 'filing', arn: 'A' })).toBeNull();
    expect(noticeOf('itr.notices_orders', 'k', { kind: 'demand', din: 'D' })).toBeNull();
    expect(noticeOf('gst.gstr2b', 'k', { kind: 'notice', arn: 'A' })).toBeNull();
    expect(noticeOf('itr.notices_orders', 'k', null)).toBeNull();
  });
});
