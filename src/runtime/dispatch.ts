/**
 * The hot path of one text frame (DESIGN §5): one JSON.parse, the generated router (one branch on
 * the discriminator, one precompiled validator, the handler), one JSON.stringify. Pure: it returns
 * the frame to send back, so the server and the benchmarks run the very same code.
 */
import { handlerFailed, invalidJson, NOT_AN_OBJECT, Rejection } from './rejections.js';
import type { ChannelDefinition, ConnectionContext } from './types.js';
import type { TopicSession } from './topics-session.js';
import { splitTopicEnvelope } from './topics.js';

/** What to send back: a frame, nothing, or (for an async handler) a promise of either. */
export type Outcome = string | undefined | Promise<string | undefined>;

/** Called with the cause when a handler throws; the client only sees the `detail` frame. */
export type FailureReporter = (tag: string, error: unknown) => void;

export function dispatchFrame(text: string, channel: ChannelDefinition<unknown, unknown, unknown>, handlers: unknown, ctx: ConnectionContext<unknown, unknown>, report: FailureReporter, topics?: TopicSession): Outcome {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (err) {
    return invalidJson((err as Error).message).frame;
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return NOT_AN_OBJECT.frame;
  if (topics !== undefined) {
    const split = splitTopicEnvelope(message as Record<string, unknown>);
    if (topics.accepts(split.envelope)) return topics.dispatch(split.message, split.envelope);
  }
  let result: unknown;
  try {
    result = channel.route(message as Record<string, unknown>, handlers, ctx);
  } catch (err) {
    return failed(channel, message as Record<string, unknown>, err, report);
  }
  if (result === undefined || result === null) return undefined;
  if (result instanceof Rejection) return result.frame;
  if (typeof (result as PromiseLike<unknown>).then === 'function') {
    return Promise.resolve(result).then(
      (reply) => serialize(reply, channel, message as Record<string, unknown>, report),
      (err: unknown) => failed(channel, message as Record<string, unknown>, err, report),
    );
  }
  return serialize(result, channel, message as Record<string, unknown>, report);
}

/** The reply as a frame; a reply JSON cannot express (a cycle, a BigInt) is the handler's failure. */
function serialize(reply: unknown, channel: ChannelDefinition<unknown, unknown, unknown>, message: Record<string, unknown>, report: FailureReporter): string | undefined {
  if (reply === undefined || reply === null) return undefined;
  try {
    return JSON.stringify(reply);
  } catch (err) {
    return failed(channel, message, err, report);
  }
}

function failed(channel: ChannelDefinition<unknown, unknown, unknown>, message: Record<string, unknown>, err: unknown, report: FailureReporter): string {
  const tag = channel.discriminator === null ? channel.key : String(message[channel.discriminator]);
  report(tag, err);
  return handlerFailed(tag).frame;
}
