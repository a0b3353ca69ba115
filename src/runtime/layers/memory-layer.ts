/** The default group layer: groups in this process's memory, like Chanx's in-memory channel layer. */
import type { GroupLayer, LayerMember } from './layer.js';

export class MemoryLayer implements GroupLayer {
  private readonly groups = new Map<string, Set<LayerMember>>();
  private readonly members = new Map<string, LayerMember>();

  attach(member: LayerMember): void {
    this.members.set(member.id, member);
  }

  detach(member: LayerMember): void {
    if (this.members.get(member.id) === member) this.members.delete(member.id);
  }

  join(group: string, member: LayerMember): void {
    let members = this.groups.get(group);
    if (members === undefined) this.groups.set(group, (members = new Set()));
    members.add(member);
  }

  leave(group: string, member: LayerMember): void {
    const members = this.groups.get(group);
    if (members === undefined) return;
    members.delete(member);
    if (members.size === 0) this.groups.delete(group);
  }

  sendToGroups(groups: Iterable<string>, frame: string, excludeMemberId?: string, eventOf?: string): void {
    // A member of several of the groups gets the frame once; one group needs no bookkeeping.
    let sent: Set<LayerMember> | undefined;
    let first: Set<LayerMember> | undefined;
    for (const group of groups) {
      const members = this.groups.get(group);
      if (members === undefined) continue;
      if (first === undefined) {
        first = members;
        for (const member of members) if (member.id !== excludeMemberId) member.deliver(frame, eventOf);
        continue;
      }
      if (sent === undefined) sent = new Set(first);
      for (const member of members) {
        if (member.id === excludeMemberId || sent.has(member)) continue;
        sent.add(member);
        member.deliver(frame, eventOf);
      }
    }
  }

  sendToMember(id: string, frame: string, eventOf?: string): void {
    this.members.get(id)?.deliver(frame, eventOf);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Delivers to the members of one group; `skipIfIn` leaves out members of those groups too. */
  deliverToGroup(group: string, frame: string, excludeMemberId?: string, eventOf?: string, skipIfIn?: readonly string[]): number {
    const members = this.groups.get(group);
    if (members === undefined) return 0;
    let count = 0;
    for (const member of members) {
      if (member.id === excludeMemberId) continue;
      if (skipIfIn !== undefined && this.inAny(member, skipIfIn)) continue;
      member.deliver(frame, eventOf);
      count++;
    }
    return count;
  }

  hasMember(id: string): boolean {
    return this.members.has(id);
  }

  /** How many members `group` has in this process. */
  size(group: string): number {
    return this.groups.get(group)?.size ?? 0;
  }

  /** Every group with at least one member in this process. */
  groupNames(): IterableIterator<string> {
    return this.groups.keys();
  }

  private inAny(member: LayerMember, groups: readonly string[]): boolean {
    for (const group of groups) if (this.groups.get(group)?.has(member) === true) return true;
    return false;
  }
}
