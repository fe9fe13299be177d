import { dashboardQueries, exportedNamesNeeded, exposedNames, metricNames } from './promql-metrics';

describe('metricNames', () => {
  it('keeps metric names and drops functions, keywords, labels, ranges, strings and variables', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (portal, le) (rate(connector_portal_request_seconds_bucket{portal=~"$portal"}[$__rate_interval])))',
      ),
    ).toEqual(['connector_portal_request_seconds_bucket']);
    expect(
      metricNames(
        'portal:x:ratio > 0.2 and on (portal) sum without (category) (increase(sync_jobs_completed_total{outcome!~"skipped|cancelled"}[30m])) >= 20',
      ),
    ).toEqual(['portal:x:ratio', 'sync_jobs_completed_total']);
    expect(metricNames('up{job="practice-sync"} == bool 0 offset 5m')).toEqual(['up']);
    expect(metricNames('a / ignoring (code) group_left (service) b')).toEqual(['a', 'b']);
  });

  it('resolves recording rules to the metrics they read', () => {
    const records = new Map([
      ['portal:ratio', 'portal:failed / portal:all'],
      ['portal:failed', 'sum by (portal) (rate(jobs_total{outcome="failed"}[5m]))'],
      ['portal:all', 'sum by (portal) (rate(jobs_total[5m]))'],
    ]);
    expect(exportedNamesNeeded('portal:ratio > 0.2', records)).toEqual(['jobs_total']);
  });

  it('finds the targets of panels nested in rows and the metrics of query variables', () => {
    const dashboard = {
      panels: [
        { title: 'a', targets: [{ expr: 'x_total' }] },
        { type: 'row', title: 'r', panels: [{ title: 'b', targets: [{ expr: 'y' }] }] },
      ],
      templating: { list: [{ name: 'portal', query: { query: 'label_values(z_total, portal)' } }] },
    };
    expect(dashboardQueries(dashboard).map((q) => q.expr)).toEqual(['x_total', 'y', 'z_total']);
  });

  it('reads names from an exposition, histograms with their series', () => {
    const names = exposedNames(
      '# HELP h d\n# TYPE h histogram\nh_bucket{le="1"} 0\n# TYPE c counter\nc_total 1\n',
    );
    expect([...names].sort()).toEqual(['c', 'c_total', 'h', 'h_bucket', 'h_count', 'h_sum']);
  });
});
