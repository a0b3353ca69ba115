/** A master killed while one layer broadcasts to a member of another: what the Cluster and Sentinel tests measure alike. */
import type { LayerMember, RedisLayer } from 'chanx-gen/runtime';
import { nextMemberId } from '../../src/runtime/layers/member-id.js';
import { until } from '../runtime/serve.js';

/** A member that keeps every frame it gets. */
export class Inbox implements LayerMember {
  readonly id = nextMemberId();
  readonly got: string[] = [];
  deliver(frame: string): void {
    this.got.push(frame);
  }
}

export interface ThroughKill {
  /** Broadcasts sent (numbered from 0). */
  sent: number;
  /** What the receiving member got, as numbers, in arrival order. */
  got: number[];
  /** From the kill to the first arrival of a broadcast sent after it. */
  resumedMs: number;
}

/**
 * `from` sends a numbered broadcast to group `group` every 5 ms; `kill` is called 300 ms in; sending
 * goes on until a broadcast sent after the kill reaches `to` (at most 10 s), and 300 ms more. Resolves
 * once the last one has arrived (at most 5 s later).
 */
export async function broadcastThroughKill(from: RedisLayer, to: Inbox, group: string, kill: () => Promise<void>): Promise<ThroughKill> {
  const sentAt: number[] = [];
  const arrivedAt = new Map<number, number>();
  to.deliver = (frame) => {
    to.got.push(frame);
    arrivedAt.set(Number(frame), Date.now());
  };
  const timer = setInterval(() => {
    sentAt.push(Date.now());
    from.sendToGroups([group], String(sentAt.length - 1));
  }, 5);
  let killedAt = 0;
  try {
    await new Promise((r) => setTimeout(r, 300));
    killedAt = Date.now();
    await kill();
    await until(() => [...arrivedAt.keys()].some((n) => sentAt[n]! > killedAt), 10_000, 'broadcasts resume after the kill');
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    clearInterval(timer);
  }
  const sent = sentAt.length;
  await until(() => arrivedAt.has(sent - 1), 5000, 'the last broadcast arrives');
  const resumedMs = Math.min(...[...arrivedAt].filter(([n]) => sentAt[n]! > killedAt).map(([, t]) => t)) - killedAt;
  return { sent, got: to.got.map(Number), resumedMs };
}

/** What a layer told its observer (the metrics and /readyz see the same): links in order, and counts. */
export interface Observed {
  links: boolean[];
  published: number;
  delivered: number;
  lost: number;
}

export function observe(layer: RedisLayer): Observed {
  const seen: Observed = { links: [], published: 0, delivered: 0, lost: 0 };
  layer.observe({
    link: (up) => void seen.links.push(up),
    published: () => void seen.published++,
    delivered: () => void seen.delivered++,
    lost: () => void seen.lost++,
  });
  return seen;
}
