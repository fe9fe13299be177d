import type { Kafka } from 'kafkajs';

import { isLivenessId } from './process-liveness';

/**
 * The client id this process's consumers join their groups with: the service, then its liveness identity
 * (`ProcessLiveness`), so a group's member list (DescribeGroups) says which process each member is.
 */
export function memberClientId(service: string, livenessId: string): string {
  return `${service}@${livenessId}`;
}

/** The liveness identity in a member's client id (null for a client id of another form, e.g. an older version). */
export function livenessIdOfMember(clientId: string): string | null {
  const at = clientId.lastIndexOf('@');
  const id = at < 0 ? '' : clientId.slice(at + 1);
  return isLivenessId(id) ? id : null;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
}

/**
 * The members of a group that belong to dead processes: their liveness identity is known (client id) and not
 * among the live ones. This process's own identity is never dead; members of unknown form are left to their
 * session timeout.
 */
export function deadMembers(members: GroupMember[], live: ReadonlySet<string>, self: string): GroupMember[] {
  return members.filter((m) => {
    const id = livenessIdOfMember(m.clientId);
    return id !== null && id !== self && !live.has(id);
  });
}

interface InternalBroker {
  leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown>;
}
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(request: { groupId: string }): Promise<InternalBroker>;
}

/**
 * Removes members from a group at once, as if they had left it (LeaveGroup on their behalf), so the group
 * rebalances without waiting for their session to time out. kafkajs 2.2.4 has no public call for this (nor static
 * membership: its JoinGroup never sends a `group.instance.id`), so this uses its internal cluster, the way its own
 * consumer sends LeaveGroup on disconnect. A member that is already gone is not an error.
 */
export async function evictMembers(kafka: Kafka, groupId: string, memberIds: string[]): Promise<string[]> {
  if (!memberIds.length) return [];
  const create = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  );
  if (!create) throw new Error('kafkajs internals changed: cannot evict group members');
  const factory = (kafka as unknown as Record<symbol, (o: object) => InternalCluster>)[create];
  const cluster = factory({ allowAutoTopicCreation: false });
  await cluster.connect();
  const evicted: string[] = [];
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    for (const memberId of memberIds) {
      try {
        await coordinator.leaveGroup({ groupId, memberId });
        evicted.push(memberId);
      } catch (error) {
        if (!/UNKNOWN_MEMBER_ID|does not exist|unknown member/i.test(String((error as Error).message)))
          throw error;
      }
    }
  } finally {
    await cluster.disconnect();
  }
  return evicted;
}

/**
 * Sweeps a process's running consumer groups for members of dead processes every `everyMs` (0: never): one sweep
 * at a time (a tick while one runs is skipped), groups one after the other, a failing group never stopping the
 * others, and nothing thrown out of the timer.
 */
export class DeadMemberSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly everyMs: number,
    private readonly groups: () => readonly string[],
    private readonly evict: (groupId: string) => Promise<void>,
  ) {}

  start(): void {
    if (this.timer || this.everyMs <= 0) return;
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One sweep now, or the one under way. */
  sweep(): Promise<void> {
    this.running ??= (async () => {
      try {
        for (const groupId of [...this.groups()]) await this.evict(groupId).catch(() => undefined);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
