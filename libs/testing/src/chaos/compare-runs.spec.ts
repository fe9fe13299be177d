import type { RunSnapshot } from './compare-runs';
import { compareRuns, maskIds } from './compare-runs';

function snapshot(over: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    status: 'completed',
    runs: 1,
    answered: true,
    jobs: {
      'A|gst.gstr2b|gstin:27X|052026': ['succeeded - +3 ~0 -0 =0'],
      'B|itr.ais_tis_26as|pan:P|2026-27': ['partial portal_unavailable +2 ~0 -0 =0'],
    },
    records: { 'A|gst.gstr2b|gstin:27X|052026|k1': ['h1 v1'], 'A|gst.gstr2b|gstin:27X|052026|k2': ['h2 v1'] },
    feed: {
      'A|gst.gstr2b|gstin:27X|052026|k1|added': ['1'],
      'A|gst.gstr2b|gstin:27X|052026|k2|added': ['1'],
    },
    grid: { 'A|gst.gstr2b|gstin:27X|052026': ['succeeded -'] },
    events: {
      'client.status.changed {"clientId":"<id>"}': ['1'],
      'sync.run.changed {"change":"completed"}': ['1'],
    },
    ...over,
  };
}

describe('compareRuns', () => {
  it('finds nothing between two equal runs', () => {
    expect(compareRuns(snapshot(), snapshot())).toMatchObject({
      lost: 0,
      duplicated: 0,
      stuck: 0,
      differs: 0,
      examples: [],
    });
  });

  it('counts a record, a feed entry and an event missing from the faulted run as lost', () => {
    const clean = snapshot();
    const faulted = snapshot({
      records: { 'A|gst.gstr2b|gstin:27X|052026|k1': ['h1 v1'] },
      feed: { 'A|gst.gstr2b|gstin:27X|052026|k1|added': ['1'] },
      events: { 'sync.run.changed {"change":"completed"}': ['1'] },
    });
    const c = compareRuns(clean, faulted);
    expect(c).toMatchObject({ lost: 3, duplicated: 0, stuck: 0, differs: 0 });
    expect(c.byAspect.records.lost).toBe(1);
    expect(c.byAspect.feed.lost).toBe(1);
    expect(c.byAspect.events.lost).toBe(1);
    expect(c.examples[0]).toMatch(
      /^records A\|gst\.gstr2b\|gstin:27X\|052026\|k2: clean \["h2 v1"\] ≠ faulted \[\]/,
    );
  });

  it('counts a job twice, a feed entry twice and an event the clean run never had as duplicated', () => {
    const clean = snapshot();
    const faulted = snapshot({
      jobs: {
        ...clean.jobs,
        'A|gst.gstr2b|gstin:27X|052026': ['succeeded - +3 ~0 -0 =0', 'succeeded - +3 ~0 -0 =0'],
      },
      feed: { ...clean.feed, 'A|gst.gstr2b|gstin:27X|052026|k1|added': ['1', '1'] },
      events: { ...clean.events, 'client.status.changed {"other":1}': ['1'] },
    });
    expect(compareRuns(clean, faulted)).toMatchObject({ lost: 0, duplicated: 3, stuck: 0, differs: 0 });
  });

  it('counts an open job as stuck, not lost, and another outcome or version as differs', () => {
    const clean = snapshot();
    const faulted = snapshot({
      status: 'running',
      jobs: {
        'A|gst.gstr2b|gstin:27X|052026': ['running - +0 ~0 -0 =0'],
        'B|itr.ais_tis_26as|pan:P|2026-27': ['failed portal_unavailable +0 ~0 -0 =0'],
      },
      records: { ...clean.records, 'A|gst.gstr2b|gstin:27X|052026|k2': ['h2 v2'] },
    });
    const c = compareRuns(clean, faulted);
    expect(c).toMatchObject({ lost: 0, duplicated: 0, stuck: 1, differs: 2 });
    expect(c.examples[0]).toBe('run: status running when read');
  });

  it('reads a run that was never created as every job lost', () => {
    const c = compareRuns(snapshot(), snapshot({ status: null, runs: 0, answered: false, jobs: {} }));
    expect(c.byAspect.jobs.lost).toBe(2);
    expect(c.examples[0]).toBe('run: none was created');
  });

  it('counts a run created twice as duplicated, and a run whose id never came back as lost', () => {
    expect(compareRuns(snapshot(), snapshot({ runs: 2 }))).toMatchObject({
      lost: 0,
      duplicated: 1,
      examples: ['run: the firm has 2 runs where the clean firm has 1'],
    });
    expect(compareRuns(snapshot(), snapshot({ answered: false }))).toMatchObject({
      lost: 1,
      duplicated: 0,
      examples: ['run: created, but POST /v1/sync-runs never answered its id'],
    });
  });
});

describe('compareRuns when a job ended otherwise', () => {
  it('counts what follows from its outcome as explained, not lost, and still counts other cells', () => {
    const clean = snapshot();
    const faulted = snapshot({
      jobs: { ...clean.jobs, 'A|gst.gstr2b|gstin:27X|052026': ['failed portal_unavailable +0 ~0 -0 =0'] },
      records: {},
      feed: {},
      grid: { 'A|gst.gstr2b|gstin:27X|052026': ['failed portal_unavailable'] },
      events: {
        'sync.run.changed {"change":"completed"}': ['1'],
        'run|-|-|-|sync.run.changed {"totals":{"failed":1}}': ['1'],
        'B|itr.x|pan:P|2026-27|e': ['1'],
      },
    });
    const c = compareRuns(
      { ...clean, events: { ...clean.events, 'run|-|-|-|sync.run.changed {"totals":{"failed":0}}': ['1'] } },
      faulted,
    );
    // The job differs; its 2 records, 2 feed entries, grid cell and the run's totals follow from it; the
    // client event and the event of another cell do not.
    expect(c).toMatchObject({ differs: 1, explained: 7, lost: 1, duplicated: 1 });
  });
});

describe('maskIds', () => {
  it('masks UUIDs and ISO instants, and nothing else', () => {
    expect(
      maskIds({
        runId: '0193a8f4-3333-7abc-8def-0123456789ab',
        at: '2026-12-06T13:14:00.123Z',
        outcome: 'succeeded',
        n: 3,
      }),
    ).toBe('{"runId":"<id>","at":"<t>","outcome":"succeeded","n":3}');
  });
});
