/**
 * The Redis channel names of the group layer. On one Redis (or Sentinel) a group's channel is
 * `<prefix>g:<group>` and a process's inbox `<prefix>m:<process tag>`. On a cluster, sharded pub/sub
 * puts a channel on the shard that owns its hash slot, so each name carries a hash tag made from
 * the group's own hash (`<prefix>g:{<hash>}<group>`): groups spread evenly over the slots whatever
 * their names look like (`room:1`, `room:2`, or names with braces of their own), and one
 * subscriber connection per shard carries every group of that shard.
 */

export interface ChannelNames {
  /** Whether names carry a hash tag (cluster, sharded pub/sub). */
  readonly sharded: boolean;
  group(group: string): string;
  /** The inbox of the process with this tag (frames sent to one of its connections by id). */
  inbox(processTag: string): string;
  /** The group a group channel belongs to, or undefined for another channel. */
  groupOf(channel: string): string | undefined;
}

export function channelNames(prefix: string, sharded: boolean): ChannelNames {
  const groups = `${prefix}g:`;
  const inboxes = `${prefix}m:`;
  if (!sharded) {
    return {
      sharded,
      group: (group) => groups + group,
      inbox: (tag) => inboxes + tag,
      groupOf: (channel) => (channel.startsWith(groups) ? channel.slice(groups.length) : undefined),
    };
  }
  // Redis hashes the first {...} of a name: a brace in the prefix would put every channel in one slot.
  if (prefix.includes('{') || prefix.includes('}')) throw new Error(`redis layer: the prefix ${JSON.stringify(prefix)} must not contain braces on a cluster`);
  return {
    sharded,
    group: (group) => `${groups}{${hashTag(group)}}${group}`,
    inbox: (tag) => `${inboxes}{${hashTag(tag)}}${tag}`,
    groupOf(channel) {
      if (!channel.startsWith(groups)) return undefined;
      const close = channel.indexOf('}', groups.length);
      return close < 0 ? undefined : channel.slice(close + 1);
    },
  };
}

/** FNV-1a (32 bits) of the name's UTF-16 units, in base 36: Redis's CRC16 of it spreads evenly over the slots. */
export function hashTag(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
