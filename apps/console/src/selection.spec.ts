import { progressPercent, runCategories, runSelection } from './selection';

describe('runSelection', () => {
  const none = { q: '', tag: '', office: '' };

  it('sends "all matching" as one selection, never as the ids of every page', () => {
    expect(runSelection(none, { kind: 'matching' })).toEqual({ all: true });
    expect(runSelection({ ...none, tag: ' gst-monthly ' }, { kind: 'matching' })).toEqual({
      tags: ['gst-monthly'],
    });
    expect(runSelection({ ...none, office: 'Pune' }, { kind: 'matching' })).toEqual({ offices: ['Pune'] });
  });

  it('says when the filters cannot be one selection (a search, or tag and office together)', () => {
    expect(runSelection({ ...none, q: 'rao' }, { kind: 'matching' })).toBeNull();
    expect(runSelection({ q: '', tag: 'a', office: 'Pune' }, { kind: 'matching' })).toBeNull();
  });

  it('sends clients ticked by hand as their ids, whatever the filters', () => {
    expect(runSelection({ ...none, tag: 'a' }, { kind: 'ids', ids: ['x', 'y'] })).toEqual({
      ids: ['x', 'y'],
    });
  });
});

describe('runCategories', () => {
  const catalogue = [
    { id: 'gst.gstr2b', portal: 'gst' },
    { id: 'gst.gstr1_1a', portal: 'gst' },
    { id: 'itr.returns', portal: 'itr' },
    { id: 'itr.filing_status', portal: 'itr' },
    { id: 'esign.signature_timestamps', portal: 'esign' },
  ];

  it("uses a portal's ALL alias when every category of it is picked", () => {
    expect(runCategories(new Set(['gst.gstr2b', 'gst.gstr1_1a', 'itr.returns']), catalogue)).toEqual([
      'gst.all',
      'itr.returns',
    ]);
    expect(runCategories(new Set(['esign.signature_timestamps']), catalogue)).toEqual([
      'esign.signature_timestamps',
    ]);
    expect(runCategories(new Set(), catalogue)).toEqual([]);
  });
});

describe('progressPercent', () => {
  it('is finished work over work, and 0 before any work is planned', () => {
    expect(progressPercent({ work: 0, workFinished: 0 })).toBe(0);
    expect(progressPercent({ work: 3, workFinished: 1 })).toBe(33);
    expect(progressPercent({ work: 4, workFinished: 4 })).toBe(100);
  });
});
