/**
 * Events from outside a connection (DESIGN §9), as Chanx's `broadcast_event` / `send_event` and
 * `@event_handler`: a channel's server-to-client message, sent through the layer to a group or to
 * one connection by id, from an HTTP route, a timer or another process on the same Redis. A
 * consumer with an `onEvent` hook sees each event first and returns what its client gets.
 */
import type { GroupLayer } from './layer.js';
import type { ChannelDefinition, EventOf, Frames } from '../channel/definition.js';
import { isThenable, type MaybePromise } from '../support/thenable.js';

export interface ChannelEvents<Event> {
  /** Sends `event` to every connection of this channel in `groups`, on every process (Chanx's broadcast_event). */
  broadcastEvent(event: Event, groups: string | readonly string[]): void;
  /** Sends `event` to the connection with this id (`ctx.id`), on whichever process holds it (Chanx's send_event). */
  sendEvent(event: Event, connectionId: string): void;
}

/**
 * Typed events of one channel through `layer`. Without `consumer` an event is one of the channel's
 * server-to-client messages; with the consumer class, it is what that class's `onEvent` takes: its
 * own event types, which need not be in the document (Chanx's @event_handler input types). The
 * class only types the call (it is not used at run time); events travel as JSON, so they should be
 * plain JSON values, and are not validated (they are the program's own, not a client's).
 */
export function channelEvents<H, Out, C extends abstract new () => H = never>(
  channel: ChannelDefinition<H, Out, any>,
  layer: GroupLayer,
  _consumer?: C,
): ChannelEvents<[C] extends [never] ? Out : EventOf<C, Out>> {
  const key = channel.key;
  // A channel's own message gets its defaults (it may go to the client as it is); a consumer's own event type does not.
  const fill = _consumer === undefined ? channel.fill : undefined;
  const encode = (event: unknown): string => JSON.stringify(fill === undefined ? event : fill(event));
  return {
    broadcastEvent(event, groups) {
      layer.sendToGroups(typeof groups === 'string' ? [groups] : groups, encode(event), undefined, key);
    },
    sendEvent(event, connectionId) {
      layer.sendToMember(connectionId, encode(event), key);
    },
  };
}

/** The optional hook: return the messages the client gets (the event, another, several: an array), or nothing to drop it. */
export type EventHook = (event: unknown, ctx: unknown) => MaybePromise<unknown>;

/**
 * Runs the consumer's hook on one event frame. Returns the frames to send (none, one, several) or
 * a promise of them; never throws or rejects: a failing hook is reported and its event dropped.
 */
export function handleEvent(
  frame: string,
  hook: EventHook,
  handlers: object,
  ctx: unknown,
  report: (error: unknown) => void,
  fill?: (message: unknown) => unknown,
): Frames | Promise<Frames> {
  // Inline rather than through settle(): this runs once per connection an event reaches, and a
  // hook that answers at once should cost no closures.
  let result: unknown;
  try {
    result = hook.call(handlers, JSON.parse(frame), ctx);
  } catch (err) {
    report(err);
    return undefined;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (reply) => encode(reply, report, fill),
      (err: unknown) => {
        report(err);
        return undefined;
      },
    );
  }
  return encode(result, report, fill);
}

/** An array is several messages, in order; a message JSON cannot express drops them all. */
function encode(reply: unknown, report: (error: unknown) => void, fill: ((message: unknown) => unknown) | undefined): Frames {
  if (reply === undefined || reply === null) return undefined;
  const full = (message: unknown): unknown => (fill === undefined ? message : fill(message));
  try {
    if (!Array.isArray(reply)) return JSON.stringify(full(reply));
    const frames: string[] = [];
    for (const message of reply) if (message !== undefined && message !== null) frames.push(JSON.stringify(full(message)));
    return frames;
  } catch (err) {
    report(err);
    return undefined;
  }
}
