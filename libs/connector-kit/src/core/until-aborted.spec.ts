import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { untilAborted } from './until-aborted';

// A full GC on demand, without starting jest with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Races work that answers a large payload; returns a weak reference to the payload. */
async function raceHolding(signal: AbortSignal): Promise<WeakRef<object>> {
  const payload = { records: Array.from({ length: 1000 }, (_, n) => ({ n })) };
  const answer = await untilAborted(Promise.resolve(payload), signal);
  return new WeakRef(answer);
}

describe('untilAborted', () => {
  it("answers the work's result and leaves no listener that would keep it on the signal", async () => {
    const controller = new AbortController();
    const held = await raceHolding(controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // A WeakRef keeps its target until the task that made it ends (Node clears them between tasks).
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
    }
    // The signal lives on (a limiter's queue, a timer may hold it); the result does not.
    expect(controller.signal.aborted).toBe(false);
    expect(held.deref()).toBeUndefined();
  });

  it("rejects with the signal's reason when it aborts first, even if the work never settles", async () => {
    const controller = new AbortController();
    const raced = untilAborted(new Promise<never>(() => undefined), controller.signal);
    controller.abort(new Error('took too long'));
    await expect(raced).rejects.toThrow('took too long');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects at once on a signal already aborted, and with a plain Error for a non-Error reason', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(untilAborted(never, AbortSignal.abort(new Error('stopping')))).rejects.toThrow('stopping');
    const controller = new AbortController();
    const raced = untilAborted(new Promise<never>(() => undefined), controller.signal);
    controller.abort('a string');
    await expect(raced).rejects.toThrow('aborted');
  });

  it("rejects with the work's own error when it fails first", async () => {
    const controller = new AbortController();
    await expect(
      untilAborted(Promise.reject(new Error('portal said no')), controller.signal),
    ).rejects.toThrow('portal said no');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
