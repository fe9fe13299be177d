import { applyKafkajsIdleFix, kafkajsRequestQueue } from './kafkajs-idle-fix';

type Queue = {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
};

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function newQueue(): Queue {
  const RequestQueue = kafkajsRequestQueue() as unknown as new (options: object) => Queue;
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: '127.0.0.1:9092',
    logger: silent,
  });
}

describe('the kafkajs request-queue idle loop fix', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('kafkajs 2.2.4 as released re-checks an empty queue about every millisecond', () => {
    const queue = newQueue();
    const check = jest.spyOn(queue, 'checkPendingRequests');
    queue.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(100);
    // Each check re-arms the timer with a negative delay: the loop never stops while nothing is pending.
    expect(check.mock.calls.length).toBeGreaterThan(50);
  });

  it('after the fix, an idle queue arms no timer; pending requests are checked, after a throttle if any', () => {
    expect(applyKafkajsIdleFix()).toBe(true);
    expect(applyKafkajsIdleFix()).toBe(true); // idempotent
    const queue = newQueue();
    const check = jest.spyOn(queue, 'checkPendingRequests').mockImplementation(() => undefined);

    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
    jest.advanceTimersByTime(1_000);
    expect(check).not.toHaveBeenCalled();

    queue.pending.push({});
    queue.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(10);
    expect(check).toHaveBeenCalledTimes(1);

    queue.throttledUntil = Date.now() + 500;
    queue.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(499);
    expect(check).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1);
    expect(check).toHaveBeenCalledTimes(2);
  });
});
