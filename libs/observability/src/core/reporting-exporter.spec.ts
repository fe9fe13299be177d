import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';

import type { ExportFailure } from './reporting-exporter';
import { ReportingExporter } from './reporting-exporter';

/** An exporter whose batches succeed or fail as the test says. */
function fakeExporter(outcomes: boolean[]): SpanExporter {
  return {
    export: (_spans, done) =>
      done(
        outcomes.shift() ? { code: 0 } : { code: 1, error: new Error('connect ECONNREFUSED 10.0.0.9:4318') },
      ),
    shutdown: () => Promise.resolve(),
  };
}

const spans = (n: number) => Array.from({ length: n }, () => ({}) as ReadableSpan);

function exportAll(exporter: ReportingExporter, batches: number[]): number[] {
  const codes: number[] = [];
  for (const n of batches) exporter.export(spans(n), (r) => codes.push(r.code));
  return codes;
}

describe('ReportingExporter', () => {
  it('reports a failed export with the spans dropped and the reason, and passes every result on', () => {
    const reports: ExportFailure[] = [];
    const exporter = new ReportingExporter(
      fakeExporter([true, false]),
      (f) => reports.push(f),
      60_000,
      () => 0,
    );
    expect(exportAll(exporter, [3, 5])).toEqual([0, 1]);
    expect(reports).toEqual([{ droppedSpans: 5, reason: 'connect ECONNREFUSED 10.0.0.9:4318' }]);
  });

  it('reports at most once per interval, with everything dropped since the last report', () => {
    const reports: ExportFailure[] = [];
    let now = 0;
    const exporter = new ReportingExporter(
      fakeExporter([false, false, false, true, false]),
      (f) => reports.push(f),
      60_000,
      () => now,
    );
    exportAll(exporter, [2]); // t=0: reported at once
    now = 10_000;
    exportAll(exporter, [4]); // within the minute: counted, not reported
    now = 30_000;
    exportAll(exporter, [1, 7]); // the 1 fails and is counted; the 7 succeed
    now = 61_000;
    exportAll(exporter, [3]); // a minute on: reported with the 4 + 1 + 3 dropped since
    expect(reports.map((r) => r.droppedSpans)).toEqual([2, 8]);
  });

  it('reports nothing while exports succeed', () => {
    const reports: ExportFailure[] = [];
    const exporter = new ReportingExporter(fakeExporter([true, true]), (f) => reports.push(f));
    exportAll(exporter, [1, 1]);
    expect(reports).toEqual([]);
  });
});
