import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';

type ExportCallback = Parameters<SpanExporter['export']>[1];
type ExportResult = Parameters<ExportCallback>[0];

/** What a failed export tells the service's log: how many spans were dropped since the last report, and why. */
export interface ExportFailure {
  droppedSpans: number;
  reason: string;
}

const FAILED = 1; // ExportResultCode.FAILED

/**
 * Wraps the OTLP exporter so a collector that cannot be reached is not silent: each failed batch is counted and
 * reported through `report` at most once per `everyMs` (a down collector must not flood the log), with the
 * number of spans dropped since the previous report.
 */
export class ReportingExporter implements SpanExporter {
  private dropped = 0;
  private lastReportAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly inner: SpanExporter,
    private readonly report: (failure: ExportFailure) => void,
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  export(spans: ReadableSpan[], done: ExportCallback): void {
    this.inner.export(spans, (result: ExportResult) => {
      if (result.code === FAILED) {
        this.dropped += spans.length;
        const at = this.now();
        if (at - this.lastReportAt >= this.everyMs) {
          this.lastReportAt = at;
          this.report({ droppedSpans: this.dropped, reason: result.error?.message ?? 'export failed' });
          this.dropped = 0;
        }
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
