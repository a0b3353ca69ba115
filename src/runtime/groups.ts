/** In-memory groups shared by every channel of one server, like a Chanx channel layer in one process. */
export interface GroupMember {
  /** Sends an already serialised frame. */
  sendRaw(frame: string): void;
}

export class GroupRegistry {
  private readonly groups = new Map<string, Set<GroupMember>>();

  join(group: string, member: GroupMember): void {
    let members = this.groups.get(group);
    if (members === undefined) this.groups.set(group, (members = new Set()));
    members.add(member);
  }

  leave(group: string, member: GroupMember): void {
    const members = this.groups.get(group);
    if (members === undefined) return;
    members.delete(member);
    if (members.size === 0) this.groups.delete(group);
  }

  /** Sends `frame` once to every member of any of `groups`, except `exclude`. Returns how many got it. */
  send(groups: Iterable<string>, frame: string, exclude?: GroupMember): number {
    const sent = new Set<GroupMember>();
    for (const group of groups) {
      for (const member of this.groups.get(group) ?? []) {
        if (member === exclude || sent.has(member)) continue;
        sent.add(member);
        member.sendRaw(frame);
      }
    }
    return sent.size;
  }

  size(group: string): number {
    return this.groups.get(group)?.size ?? 0;
  }
}
