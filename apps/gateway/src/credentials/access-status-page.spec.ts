import { ValidationProblem } from '@practice-sync/problems';

import { pageAccessStatuses } from './access-status-page';
import type { AccessStatusDto } from './dto/access-status.dto';

const status = (portal: string, identifier: string): AccessStatusDto => ({
  portal,
  identifier,
  status: 'ok',
  errorCode: null,
  detail: null,
  clientName: null,
  expiresAt: null,
  updatedAt: '2025-05-01T00:00:00.000Z',
});

describe('pageAccessStatuses', () => {
  const all = [
    status('itr', 'AAACR5055K'),
    status('gst', '29X'),
    status('esign', 'firm'),
    status('gst', '27X'),
  ];

  it('orders by portal and identifier and pages with a cursor', () => {
    const first = pageAccessStatuses(all, 3);
    expect(first.items.map((s) => `${s.portal}:${s.identifier}`)).toEqual([
      'esign:firm',
      'gst:27X',
      'gst:29X',
    ]);
    expect(first.nextCursor).not.toBeNull();
    const second = pageAccessStatuses(all, 3, first.nextCursor ?? undefined);
    expect(second).toEqual({ items: [status('itr', 'AAACR5055K')], nextCursor: null });
  });

  it('refuses a cursor it did not give out', () => {
    expect(() => pageAccessStatuses(all, 3, 'bm9wZQ')).toThrow(ValidationProblem);
  });
});
