import { deadMembers, DeadMemberSweep, livenessIdOfMember, memberClientId } from './group-eviction';

describe('group eviction: which members belong to dead processes', () => {
  const self = 'pg:100:1700000000000000';
  const liveOther = 'pg:200:1700000000000001';
  const dead = 'pg:300:1700000000000002';
  const member = (memberId: string, clientId: string) => ({ memberId, clientId });

  it('reads the liveness identity back from the client id it wrote', () => {
    expect(livenessIdOfMember(memberClientId('connector-esign', dead))).toBe(dead);
    expect(livenessIdOfMember('connector-esign')).toBeNull();
    expect(livenessIdOfMember('connector-esign@not-an-id')).toBeNull();
  });

  it('names only members whose process is known and not alive, never this process or a live replica', () => {
    const members = [
      member('m-self', memberClientId('svc', self)),
      member('m-live', memberClientId('svc', liveOther)),
      member('m-dead', memberClientId('svc', dead)),
      member('m-old', 'svc'), // an older version: left to its session timeout
    ];
    const live = new Set([liveOther]);
    expect(deadMembers(members, live, self).map((m) => m.memberId)).toEqual(['m-dead']);
    expect(deadMembers(members, new Set([liveOther, dead]), self)).toEqual([]);
  });
});

describe('DeadMemberSweep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sweeps every running group at each interval, a failing group not stopping the others', async () => {
    const swept: string[] = [];
    const groups = ['a', 'b'];
    const sweep = new DeadMemberSweep(
      5000,
      () => groups,
      async (g) => {
        swept.push(g);
        if (g === 'a') throw new Error('coordinator not available');
      },
    );
    sweep.start();
    await jest.advanceTimersByTimeAsync(4999);
    expect(swept).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(swept).toEqual(['a', 'b']);
    groups.pop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(swept).toEqual(['a', 'b', 'a']);
    await sweep.stop();
    await jest.advanceTimersByTimeAsync(20_000);
    expect(swept).toEqual(['a', 'b', 'a']);
  });

  it('never runs two sweeps at once, and 0 means no timer', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const slow = new DeadMemberSweep(
      1000,
      () => ['g'],
      () => {
        calls++;
        return new Promise<void>((r) => (release = r));
      },
    );
    slow.start();
    await jest.advanceTimersByTimeAsync(3500);
    expect(calls).toBe(1);
    release();
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    release();
    await slow.stop();

    let off = 0;
    const never = new DeadMemberSweep(
      0,
      () => ['g'],
      async () => void off++,
    );
    never.start();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(off).toBe(0);
  });
});
