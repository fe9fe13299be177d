import { dueState, formatDate, localToday } from './due';

describe('dueState', () => {
  const today = '2026-12-06';

  it('says overdue in words, with the days', () => {
    expect(dueState('2026-12-05', today)).toEqual({ kind: 'overdue', days: -1, label: 'Overdue by 1 day' });
    expect(dueState('2026-11-06', today)).toMatchObject({ kind: 'overdue', label: 'Overdue by 30 days' });
  });

  it('says due soon from today up to 7 days ahead', () => {
    expect(dueState('2026-12-06', today)).toMatchObject({ kind: 'soon', label: 'Due today' });
    expect(dueState('2026-12-07', today)).toMatchObject({ kind: 'soon', label: 'Due in 1 day' });
    expect(dueState('2026-12-13', today)).toMatchObject({ kind: 'soon', label: 'Due in 7 days' });
  });

  it('leaves later and missing due dates plain', () => {
    expect(dueState('2026-12-14', today)).toMatchObject({ kind: 'later', label: 'Due in 8 days' });
    expect(dueState(null, today)).toEqual({ kind: 'none', days: null, label: 'No due date' });
  });

  it('counts whole calendar days across a month and a year end', () => {
    expect(dueState('2027-01-02', '2026-12-31')).toMatchObject({ kind: 'soon', days: 2 });
  });
});

describe('formatDate and localToday', () => {
  it('writes dates as DD/MM/YYYY, and today as ISO where the person is', () => {
    expect(formatDate('2026-05-30')).toBe('30/05/2026');
    expect(formatDate(null)).toBe('—');
    expect(localToday(new Date(2026, 0, 9, 23, 30))).toBe('2026-01-09');
  });
});
