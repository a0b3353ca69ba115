/**
 * What goes through the group layer of a test server, recorded as it passes (and still delivered):
 * broadcasts from handlers (`ctx.broadcast`, topic broadcasts) and events from outside
 * (`events(channel).broadcastEvent` / `sendEvent`), each with where it went. The Chanx counterpart
 * is `capture_broadcast_events`, which sees `broadcast_event` only.
 */
import type { GroupLayer, LayerMember } from '../layers/layer.js';
import { Connection } from '../server/connection.js';

/** A message a handler broadcast (`ctx.broadcast`, or a topic's broadcast). */
export interface CapturedBroadcast {
  /** The message as it went out (parsed back from the frame the layer carried). */
  message: unknown;
  groups: readonly string[];
  /** The connection left out (`excludeSelf`), if any. */
  excluded?: string;
}

/** An event sent from outside a connection. */
export interface CapturedEvent {
  /** The key of the channel it belongs to. */
  channel: string;
  event: unknown;
  /** The groups of a `broadcastEvent`; absent for a `sendEvent`. */
  groups?: readonly string[];
  /** The connection of a `sendEvent`. */
  to?: string;
}

export interface Captured {
  readonly broadcasts: readonly CapturedBroadcast[];
  readonly events: readonly CapturedEvent[];
  /** Forgets what was captured so far. */
  clear(): void;
}

/** The header the kit puts on its connections, so that a test client can learn its connection's id. */
export const TEST_CLIENT_HEADER = 'x-chanx-gen-test-client';

/** A layer that records what passes and hands everything to `inner`. */
export class CapturingLayer implements GroupLayer, Captured {
  broadcasts: CapturedBroadcast[] = [];
  events: CapturedEvent[] = [];
  /** Connection ids by the kit's client tag, learnt as connections attach. */
  private readonly ids = new Map<string, string>();

  constructor(readonly inner: GroupLayer) {}

  clear(): void {
    this.broadcasts = [];
    this.events = [];
  }

  /** The id of the connection opened with this tag (known once it is attached, before its client sees it open). */
  connectionId(tag: string): string | undefined {
    return this.ids.get(tag);
  }

  attach(member: LayerMember): void {
    if (member instanceof Connection) {
      const tag = member.request.headers[TEST_CLIENT_HEADER];
      if (typeof tag === 'string') this.ids.set(tag, member.id);
    }
    this.inner.attach(member);
  }

  detach(member: LayerMember): void {
    this.inner.detach(member);
  }

  join(group: string, member: LayerMember): void {
    this.inner.join(group, member);
  }

  leave(group: string, member: LayerMember): void {
    this.inner.leave(group, member);
  }

  sendToGroups(groups: Iterable<string>, frame: string, excludeMemberId?: string, eventOf?: string): void {
    const list = [...groups];
    const message = JSON.parse(frame) as unknown;
    if (eventOf !== undefined) this.events.push({ channel: eventOf, event: message, groups: list });
    else this.broadcasts.push(excludeMemberId === undefined ? { message, groups: list } : { message, groups: list, excluded: excludeMemberId });
    this.inner.sendToGroups(list, frame, excludeMemberId, eventOf);
  }

  sendToMember(id: string, frame: string, eventOf?: string): void {
    if (eventOf !== undefined) this.events.push({ channel: eventOf, event: JSON.parse(frame) as unknown, to: id });
    this.inner.sendToMember(id, frame, eventOf);
  }

  size(group: string): number {
    return this.inner.size(group);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
