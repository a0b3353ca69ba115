/**
 * What the server sees of one channel's connections and frames, told to the metrics and the log.
 * The connection reports its life (opened, closed, paused, closed for a limit) and, when per-frame
 * observation is on (metrics, or logs at debug), each frame: `begin` before dispatch, `end` with
 * what was sent back. The channel's router is wrapped (`channel`) so that the action a validator
 * accepted, the outcome and the handler's time are known without touching dispatch.
 */
import type { ChannelDefinition, Frames, Outcome, TopicRouter } from '../channel/definition.js';
import { NOT_AN_OBJECT, Rejection } from '../protocol/rejections.js';
import type { RuntimeLog } from '../support/logger.js';
import { isThenable } from '../support/thenable.js';
import {
  type ActionTally,
  type ChannelTally,
  type ChanxMetrics,
  type FrameOutcome,
  type LimitClose,
  NO_ACTION,
  type PauseReason,
  TOPIC_ACTION,
} from './metrics.js';

/** What the watches of one server share. */
export interface Ops {
  readonly log: RuntimeLog;
  readonly metrics?: ChanxMetrics;
  /** Put each frame's payload on its debug line (LOG_PAYLOADS=1). Default false. */
  readonly payloads?: boolean;
}

/** One frame under way. */
export interface FrameRecord {
  readonly started: number;
  action: string;
  outcome: FrameOutcome | undefined;
  topical: boolean;
  /** The action's counts, once the router has told the action. */
  counts: ActionTally | undefined;
}

/** The frame being dispatched now: set by `begin`, taken by the wrapped router in dispatch's synchronous part. */
let current: FrameRecord | undefined;

type Channel = ChannelDefinition<unknown, unknown, unknown>;

export class ChannelWatch {
  /** Whether each frame is observed (metrics on, or logs at debug). */
  readonly perFrame: boolean;
  /** The channel to dispatch to: wrapped when `perFrame`. */
  readonly channel: Channel;
  readonly tally: ChannelTally | undefined;
  private readonly log: RuntimeLog;

  constructor(
    channel: Channel,
    private readonly ops: Ops,
  ) {
    this.log = ops.log;
    this.tally = ops.metrics?.channel(channel.key);
    this.perFrame = this.tally !== undefined || ops.log.debugEnabled;
    this.channel = this.perFrame ? this.wrap(channel) : channel;
  }

  opened(id: string): void {
    const tally = this.tally;
    if (tally !== undefined) {
      tally.open++;
      tally.opened++;
    }
    if (this.log.structured) this.log.info({ conn: id, channel: this.channel.key }, 'connection opened');
  }

  closed(id: string, code: number, reason: string, ms: number): void {
    const tally = this.tally;
    if (tally !== undefined) {
      tally.open--;
      tally.close(code);
    }
    if (this.log.structured) this.log.info({ conn: id, channel: this.channel.key, code, reason, ms: round(ms) }, 'connection closed');
  }

  paused(reason: PauseReason): void {
    if (this.tally !== undefined) this.tally.pauses[reason]++;
  }

  limitClosed(limit: LimitClose): void {
    if (this.tally !== undefined) this.tally.limitCloses[limit]++;
  }

  unauthenticated(): void {
    this.ops.metrics?.reject('unauthenticated');
  }

  begin(): FrameRecord {
    // The frame's own time is only logged (at debug); handler time is taken around the router.
    return (current = { started: this.log.debugEnabled ? performance.now() : 0, action: NO_ACTION, outcome: undefined, topical: false, counts: undefined });
  }

  /** A frame answered without dispatch (binary, over the rate limit). */
  refused(id: string, outcome: 'binary' | 'rate_limited', text: string | undefined): void {
    if (!this.perFrame) return;
    const record = this.begin();
    current = undefined;
    record.outcome = outcome;
    this.end(record, id, undefined, text);
  }

  /** The frame is done: `frames` were sent back. */
  end(record: FrameRecord, id: string, frames: Frames, text: string | undefined): void {
    if (current === record) current = undefined;
    const outcome = (record.outcome ??= withoutRouter(record, frames));
    if (this.tally !== undefined) {
      (record.counts ?? this.tally.action(record.action)).outcomes[outcome]++;
      if (outcome !== 'ok') this.ops.metrics!.reject(outcome);
    }
    if (this.log.debugEnabled) this.debug(record, id, text);
  }

  private debug(record: FrameRecord, id: string, text: string | undefined): void {
    const line: Record<string, unknown> = { conn: id, channel: this.channel.key, action: record.action, outcome: record.outcome };
    // Read again for the log only: dispatch has taken ref and topic off the frame it decoded.
    const sent = text === undefined ? undefined : decode(text);
    if (sent !== undefined) {
      if (typeof sent['ref'] === 'string') line['ref'] = sent['ref'];
      if (typeof sent['topic'] === 'string') line['topic'] = sent['topic'];
    }
    line['ms'] = round(performance.now() - record.started);
    if (this.ops.payloads === true && text !== undefined) line['payload'] = sent === undefined ? text : sent['payload'];
    this.log.debug(line, 'frame');
  }

  private wrap(channel: Channel): Channel {
    const tally = this.tally;
    const discriminator = channel.discriminator;
    const route = channel.route;
    const wrapped: Channel = {
      ...channel,
      route(message, handlers, ctx) {
        const record = current;
        current = undefined;
        if (record === undefined) return route(message, handlers, ctx);
        const tag = discriminator === null ? undefined : message[discriminator];
        const action = typeof tag === 'string' ? tag : NO_ACTION;
        const t0 = tally === undefined ? 0 : performance.now();
        let result: unknown;
        try {
          result = route(message, handlers, ctx);
        } catch (err) {
          routed(record, tally, action, 'handler_failed', t0);
          throw err;
        }
        if (result instanceof Rejection) routed(record, tally, action, rejectionOutcome(result), t0);
        else if (isThenable(result)) {
          return Promise.resolve(result).then(
            (reply) => {
              routed(record, tally, action, 'ok', t0);
              return reply;
            },
            (err: unknown) => {
              routed(record, tally, action, 'handler_failed', t0);
              throw err;
            },
          );
        } else routed(record, tally, action, 'ok', t0);
        return result;
      },
    };
    const topics = channel.topics;
    return topics === undefined ? wrapped : { ...wrapped, topics: { ...topics, route: topicRoute(topics) } };
  }
}

/** The router has answered: the action is a label only once its validator took the frame (or its tag matched a handler's). */
function routed(record: FrameRecord, tally: ChannelTally | undefined, action: string, outcome: FrameOutcome, t0: number): void {
  record.action = outcome === 'unknown_action' ? NO_ACTION : action;
  record.outcome = outcome;
  if (tally === undefined) return;
  const counts = (record.counts = tally.action(record.action));
  if (outcome !== 'unknown_action' && outcome !== 'invalid') counts.handled((performance.now() - t0) / 1000);
}

function topicRoute(topics: TopicRouter): TopicRouter['route'] {
  return (message, envelope, handlers, ctx, report): Outcome => {
    const record = current;
    current = undefined;
    if (record !== undefined) {
      record.topical = true;
      record.action = TOPIC_ACTION;
    }
    return topics.route(message, envelope, handlers, ctx, report);
  };
}

const TAG_ERRORS = new Set(['union_tag_invalid', 'union_tag_not_found']);

function rejectionOutcome(rejection: Rejection): FrameOutcome {
  const { payload } = rejection;
  if (!Array.isArray(payload)) return 'unknown_action'; // a channel with no messages: "Failed to process message"
  return payload.length > 0 && TAG_ERRORS.has(payload[0]!.type) ? 'unknown_action' : 'invalid';
}

const ERROR_FRAME = '{"action":"error","payload":';
const JSON_INVALID = `${ERROR_FRAME}[{"type":"json_invalid"`;

/** A frame no router took: told by what was sent back (dispatch answers these itself). */
function withoutRouter(record: FrameRecord, frames: Frames): FrameOutcome {
  const first = typeof frames === 'string' ? frames : frames?.[0];
  if (first === undefined || !first.startsWith(ERROR_FRAME)) {
    if (first?.includes('"topic":')) record.action = TOPIC_ACTION;
    return 'ok';
  }
  if (first.startsWith(JSON_INVALID) || first === NOT_AN_OBJECT.frame) return 'invalid_json';
  if (record.topical || first.startsWith(`${ERROR_FRAME}{"reason"`)) {
    record.action = TOPIC_ACTION;
    return 'topic_error';
  }
  return 'invalid_envelope';
}

function decode(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
