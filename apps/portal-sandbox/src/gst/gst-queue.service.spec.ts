import type { SandboxConfig } from '../config/sandbox.config';
import { GstQueueService } from './gst-queue.service';

describe('GstQueueService', () => {
  const config = { SANDBOX_QUEUE_READY_MS: 0, SANDBOX_QUEUE_TTL_MS: 1000 } as SandboxConfig;
  const base = 'http://sandbox';
  afterEach(() => jest.useRealTimers());

  it('serves a ready answer, then forgets it after its time to live so memory stays bounded', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const queue = new GstQueueService(config);
    const first = queue.enqueue('27AAACR5055K1Z7', [{ body: { b2b: [] }, ic: 0 }]);
    const details = queue.details(first.token, '27AAACR5055K1Z7', base);
    expect(details).toMatchObject({ fc: 1, urls: [{ ul: `${base}/gst/files/${first.token}/1`, ic: 0 }] });
    expect(queue.details(first.token, '27AAAAA0000A1Z5', base)).toBeNull();

    jest.setSystemTime(1_000_999);
    expect(queue.details(first.token, '27AAACR5055K1Z7', base)).not.toBeNull();
    jest.setSystemTime(1_001_500);
    const second = queue.enqueue('27AAACR5055K1Z7', [{ body: { b2b: [] }, ic: 0 }]);
    expect(queue.details(first.token, '27AAACR5055K1Z7', base)).toBeNull();
    expect(queue.file(first.token, 1)).toBeUndefined();
    expect(queue.details(second.token, '27AAACR5055K1Z7', base)).not.toBeNull();
    expect(queue.size).toBe(1);
  });

  it('keeps many answers bounded by their time to live', () => {
    jest.useFakeTimers({ now: 0 });
    const queue = new GstQueueService(config);
    for (let i = 0; i < 5_000; i++) {
      jest.setSystemTime(i * 10);
      queue.enqueue('27AAACR5055K1Z7', [{ body: { i }, ic: 1 }]);
    }
    // One answer every 10 ms with a one-second life: about a hundred are live at any time.
    expect(queue.size).toBeLessThanOrEqual(101);
  });
});
