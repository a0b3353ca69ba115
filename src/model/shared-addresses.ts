/**
 * Channels that share an address. A server mounts one channel per address, the first in the order
 * server.ts mounts them in, so frames meant for the others reach the first's router. Each of the
 * others gets a located warning that says so. Hosted topics share their parent's address by design
 * (DESIGN §10) and are left out. Pure: no I/O.
 */
import type { Diagnostic } from '../load/diagnostics.js';
import type { ChannelLocator } from './topics.js';
import type { ChannelModel } from './types.js';

export function sharedAddresses(channels: readonly ChannelModel[], locate: ChannelLocator, isV2: boolean): Diagnostic[] {
  const problems: Diagnostic[] = [];
  // In the order server.ts mounts them: the channels, then the topics served on their own route.
  const mounted = [...channels.filter((c) => c.topic === undefined), ...channels.filter((c) => c.topic !== undefined && c.topicOf === undefined)];
  for (const [i, channel] of mounted.entries()) {
    // The first before it that takes every path it would: the same address (the server mounts it
    // once), or one that matches the same paths (`/ws/{a}`, `/ws/{b}`) and restricts no parameter to
    // some values (a path it refuses goes on to the next).
    const shape = shapeOf(channel.address);
    const first = mounted
      .slice(0, i)
      .find((c) => c.address === channel.address || (shapeOf(c.address) === shape && c.params.every((p) => p.enum === undefined)));
    if (first === undefined) continue;
    problems.push({
      severity: 'warning',
      // A v2 channel's key is its address.
      ...(isV2 ? locate(channel.key) : locate(channel.key, 'address')),
      message: `channel '${channel.key}' has the address of channel '${first.key}' (${channel.address}): the server mounts '${first.key}' there, and frames meant for '${channel.key}' go to its router. Put their messages in one channel to serve them all`,
    });
  }
  return problems;
}

/** The paths an address matches, whatever its parameters are named. */
function shapeOf(address: string): string {
  return address.replace(/\{[^}]*\}/g, '{}');
}
