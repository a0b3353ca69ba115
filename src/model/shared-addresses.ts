/**
 * Channels that share an address. A server mounts one channel per address: the first in the order
 * server.ts mounts them in (a fixed address before a parameterised one of the same shape), so frames
 * meant for the others reach the first's router and get its `union_tag_invalid`. Each of the others
 * gets a located warning that says so. Hosted topics share their parent's address by design
 * (DESIGN §10) and are left out. Pure: no I/O.
 */
import type { Diagnostic } from '../load/diagnostics.js';
import type { ChannelLocator } from './topics.js';
import type { ChannelModel } from './types.js';

export function sharedAddresses(channels: readonly ChannelModel[], locate: ChannelLocator, isV2: boolean): Diagnostic[] {
  const served = new Map<string, ChannelModel>();
  const problems: Diagnostic[] = [];
  // In the order server.ts mounts them: the channels, then the topics served on their own route.
  const mounted = [...channels.filter((c) => c.topic === undefined), ...channels.filter((c) => c.topic !== undefined && c.topicOf === undefined)];
  for (const channel of mounted) {
    // `/ws/{a}` and `/ws/{b}` match the same paths.
    const shape = channel.address.replace(/\{[^}]*\}/g, '{}');
    const first = served.get(shape);
    if (first === undefined) {
      served.set(shape, channel);
      continue;
    }
    problems.push({
      severity: 'warning',
      // A v2 channel's key is its address.
      ...(isV2 ? locate(channel.key) : locate(channel.key, 'address')),
      message: `channel '${channel.key}' has the address of channel '${first.key}' (${channel.address}): a server mounts one channel per address, '${first.key}', whose router answers the frames of '${channel.key}' with union_tag_invalid. Put their messages in one channel to serve them all`,
    });
  }
  return problems;
}
