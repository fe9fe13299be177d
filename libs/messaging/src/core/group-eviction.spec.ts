import { deadMembers, livenessIdOfMember, memberClientId } from './group-eviction';

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
