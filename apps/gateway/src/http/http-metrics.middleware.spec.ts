import { routeLabel } from './http-metrics.middleware';

describe('routeLabel', () => {
  it('uses the route template, never the raw path', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/v1/clients/:id' } })).toBe('/v1/clients/:id');
    expect(routeLabel({ baseUrl: '', route: undefined })).toBe('unmatched');
  });
});
