/**
 * The hot path of one text frame (DESIGN §5): one JSON.parse, the envelope check, the generated
 * router (one branch on the discriminator, one precompiled validator, the handler), one
 * JSON.stringify. Pure: it returns the frames to send back, so the server and the benchmarks run
 * the very same code.
 *
 * Order, as in Chanx: not JSON / not an object -> envelope (version, topic, ref, seq) -> a frame
 * naming a `topic` goes to the channel's topic router -> the channel's own router. Every frame
 * that answers a request carrying `ref` carries it too (DESIGN §4); with `sendCompletion`, a
 * `complete` frame follows every frame that reached message validation.
 */
import { answerWithoutTopics, takeEnvelope, type TopicEnvelope } from '../protocol/envelope.js';
import { handlerFailed, invalidJson, NOT_AN_OBJECT, Rejection } from '../protocol/rejections.js';
import type { ChannelDefinition, ConnectionContext, FailureReporter, Frames, Outcome } from './definition.js';
import { isThenable } from '../support/thenable.js';
import { COMPLETE } from './completion.js';

export interface DispatchOptions {
  /** Chanx's SEND_COMPLETION: `{"action":"complete","payload":null}` after every validated frame. Default false. */
  readonly sendCompletion?: boolean;
}

const DEFAULTS: DispatchOptions = Object.freeze({});

export function dispatchFrame(
  text: string,
  channel: ChannelDefinition<unknown, unknown, unknown>,
  handlers: unknown,
  ctx: ConnectionContext<unknown, unknown>,
  report: FailureReporter,
  options: DispatchOptions = DEFAULTS,
): Outcome {
  const complete = options.sendCompletion === true;
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (err) {
    return rejected(invalidJson((err as Error).message), undefined, complete);
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) return rejected(NOT_AN_OBJECT, undefined, complete);
  const message = decoded as Record<string, unknown>;
  const envelope = takeEnvelope(message);
  if (envelope instanceof Rejection) return rejected(envelope, undefined, complete);
  // On a dedicated topic route, a frame that names no topic belongs to the route's own topic.
  const topic = envelope.topic ?? channel.topics?.defaultTopic?.(ctx);
  if (topic !== undefined) {
    const addressed = (envelope.topic === topic ? envelope : { ...envelope, topic }) as TopicEnvelope;
    const topics = channel.topics;
    if (topics !== undefined) return topics.route(message, addressed, handlers, ctx, report);
    return answerWithoutTopics(message[channel.discriminator ?? 'action'], addressed);
  }
  const ref = envelope.ref;
  let result: unknown;
  try {
    result = channel.route(message, handlers, ctx);
  } catch (err) {
    return answer(failed(channel, message, err, report, ref), ref, complete);
  }
  if (result === undefined || result === null) return answer(undefined, ref, complete);
  if (result instanceof Rejection) return rejected(result, ref, complete);
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (reply) => answer(serialize(reply, channel, message, report, ref), ref, complete),
      (err: unknown) => answer(failed(channel, message, err, report, ref), ref, complete),
    );
  }
  return answer(serialize(result, channel, message, report, ref), ref, complete);
}

/** Calls `send` with each frame of `frames`, in order. */
export function sendFrames(frames: Frames, send: (frame: string) => void): void {
  if (frames === undefined) return;
  if (typeof frames === 'string') send(frames);
  else for (const frame of frames) send(frame);
}

/** An error frame for the request (with its `ref`), completed only when the frame reached message validation. */
function rejected(rejection: Rejection, ref: string | undefined, complete: boolean): Frames {
  return answer(rejection.withRef(ref).frame, ref, complete && rejection.validated);
}

/** The reply (if any), then the completion frame when one is due. */
function answer(frame: string | undefined, ref: string | undefined, complete: boolean): Frames {
  if (!complete) return frame;
  const done = ref === undefined ? COMPLETE : JSON.stringify({ action: 'complete', payload: null, ref });
  return frame === undefined ? done : [frame, done];
}

/** The reply as a frame; a reply JSON cannot express (a cycle, a BigInt) is the handler's failure. */
function serialize(
  reply: unknown,
  channel: ChannelDefinition<unknown, unknown, unknown>,
  message: Record<string, unknown>,
  report: FailureReporter,
  ref: string | undefined,
): string | undefined {
  if (reply === undefined || reply === null) return undefined;
  try {
    const full = channel.fill === undefined ? reply : channel.fill(reply);
    return JSON.stringify(ref === undefined || typeof full !== 'object' || full === null ? full : { ...full, ref });
  } catch (err) {
    return failed(channel, message, err, report, ref);
  }
}

function failed(
  channel: ChannelDefinition<unknown, unknown, unknown>,
  message: Record<string, unknown>,
  err: unknown,
  report: FailureReporter,
  ref?: string,
): string {
  const tag = channel.discriminator === null ? channel.key : String(message[channel.discriminator]);
  report(tag, err);
  return handlerFailed(tag).withRef(ref).frame;
}
