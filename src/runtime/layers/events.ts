/**
 * Events from outside a connection (DESIGN §9), as Chanx's `broadcast_event` / `send_event` and
 * `@event_handler`: a channel's server-to-client message, sent through the layer to a group or to
 * one connection by id, from an HTTP route, a timer or another process on the same Redis. A
 * consumer with an `onEvent` hook sees each event first and returns what its client gets.
 */
import type { GroupLayer } from './layer.js';
import type { ChannelDefinition } from '../channel/definition.js';
import { isThenable, type MaybePromise } from '../support/thenable.js';

export interface ChannelEvents<Out> {
  /** Sends `event` to every connection of this channel in `groups`, on every process (Chanx's broadcast_event). */
  broadcastEvent(event: Out, groups: string | readonly string[]): void;
  /** Sends `event` to the connection with this id (`ctx.id`), on whichever process holds it (Chanx's send_event). */
  sendEvent(event: Out, connectionId: string): void;
}

/** Typed events of one channel through `layer`: `Out` is the channel's server-to-client union. */
export function channelEvents<Out>(channel: ChannelDefinition<any, Out, any>, layer: GroupLayer): ChannelEvents<Out> {
  const key = channel.key;
  return {
    broadcastEvent(event, groups) {
      layer.sendToGroups(typeof groups === 'string' ? [groups] : groups, JSON.stringify(event), undefined, key);
    },
    sendEvent(event, connectionId) {
      layer.sendToMember(connectionId, JSON.stringify(event), key);
    },
  };
}

/** The optional hook: return the message the client gets (the event, or another), or nothing to drop it. */
export type EventHook = (event: unknown, ctx: unknown) => MaybePromise<unknown>;

/**
 * Runs the consumer's hook on one event frame. Returns the frame to send, nothing, or a promise of
 * either; never throws or rejects: a failing hook is reported and its event dropped.
 */
export function handleEvent(
  frame: string,
  hook: EventHook,
  handlers: object,
  ctx: unknown,
  report: (error: unknown) => void,
): string | undefined | Promise<string | undefined> {
  let result: unknown;
  try {
    result = hook.call(handlers, JSON.parse(frame), ctx);
  } catch (err) {
    report(err);
    return undefined;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (reply) => encode(reply, report),
      (err: unknown) => {
        report(err);
        return undefined;
      },
    );
  }
  return encode(result, report);
}

function encode(reply: unknown, report: (error: unknown) => void): string | undefined {
  if (reply === undefined || reply === null) return undefined;
  try {
    return JSON.stringify(reply);
  } catch (err) {
    report(err);
    return undefined;
  }
}
