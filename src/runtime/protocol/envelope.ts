/**
 * Chanx 2.10's envelope (DESIGN §4): `version`, `topic`, `ref` and `seq` travel flat beside `action`.
 * They are checked the way Chanx's pydantic `Envelope` model checks them (lax mode: `"2"` is a
 * version, `"x"` is not), taken off the frame before the message is validated, and handed back so
 * that dispatch can route on `topic` and copy `ref` onto the reply. Any other top-level key is left
 * where it is.
 */
import { Rejection } from './rejections.js';
import type { ErrorItem } from './validation-errors.js';

/** What a client put in the envelope of one frame. Absent (or null, where allowed) keys are undefined. */
export interface Envelope {
  /** Envelope version the client speaks; Chanx's is 1 and any integer is accepted. */
  readonly version?: number;
  /** The topic the frame is addressed to (DESIGN §10); frames without one go to the channel's handlers. */
  readonly topic?: string;
  /** The client's request id: copied onto every frame that answers this one. */
  readonly ref?: string;
  /** A client-side sequence number (Chanx accepts and ignores it on incoming frames). */
  readonly seq?: number;
}

/** The envelope of a frame that named a topic. */
export type TopicEnvelope = Envelope & { readonly topic: string };

/** Chanx's ENVELOPE_VERSION: stamped on topic frames. */
export const ENVELOPE_VERSION = 1;

const ENVELOPE_KEYS = ['version', 'topic', 'ref', 'seq'] as const;

/** The envelope of a frame that carries none of the four keys (the common case: shared, frozen). */
export const NO_ENVELOPE: Envelope = Object.freeze({});

/**
 * Validates and removes the envelope keys of a decoded frame object, in place. Returns the
 * envelope, or the error frame Chanx sends for a bad one (all problems at once, in field order,
 * carrying the frame's `ref` when that one is valid).
 */
export function takeEnvelope(frame: Record<string, unknown>): Envelope | Rejection {
  const { version, topic, ref, seq } = frame;
  if (version === undefined && topic === undefined && ref === undefined && seq === undefined) return NO_ENVELOPE;
  for (const key of ENVELOPE_KEYS) delete frame[key];
  const errors: ErrorItem[] = [];
  const envelope: Envelope = {
    version: version === undefined ? undefined : pythonInt(version, 'version', false, errors),
    topic: topic === undefined ? undefined : optionalString(topic, 'topic', errors),
    ref: ref === undefined ? undefined : optionalString(ref, 'ref', errors),
    seq: seq === undefined ? undefined : pythonInt(seq, 'seq', true, errors),
  };
  if (errors.length > 0) return new Rejection(errors, false).withRef(envelope.ref);
  return envelope;
}

/** `str | None` in pydantic's lax mode: only a string (or null, meaning absent). */
function optionalString(value: unknown, field: string, errors: ErrorItem[]): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null) errors.push({ type: 'string_type', loc: [field], msg: 'Input should be a valid string' });
  return undefined;
}

const PY_INT = /^[+-]?\d+(?:_\d+)*(?:\.0*)?$/;

/** `int` (or `int | None`) in pydantic's lax, Python mode: whole numbers, booleans, integer strings. */
function pythonInt(value: unknown, field: string, nullable: boolean, errors: ErrorItem[]): number | undefined {
  if (value === null) {
    if (!nullable) errors.push({ type: 'int_type', loc: [field], msg: 'Input should be a valid integer' });
    return undefined;
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
    if (!Number.isFinite(value)) errors.push({ type: 'finite_number', loc: [field], msg: 'Input should be a finite number' });
    else errors.push({ type: 'int_from_float', loc: [field], msg: 'Input should be a valid integer, got a number with a fractional part' });
    return undefined;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const text = value.trim();
    if (PY_INT.test(text)) return Number(text.replace(/_/g, '')); // "12.00" is 12 to Number too
    errors.push({ type: 'int_parsing', loc: [field], msg: 'Input should be a valid integer, unable to parse string as an integer' });
    return undefined;
  }
  errors.push({ type: 'int_type', loc: [field], msg: 'Input should be a valid integer' });
  return undefined;
}

/**
 * A frame that answers a topic frame, stamped as Chanx stamps them: `version`, `topic`, then `ref`
 * (when the request had one) and `seq` (when given).
 */
export function topicFrame(action: string, payload: unknown, topic: string, ref?: string, seq?: number): string {
  return JSON.stringify({ action, payload, version: ENVELOPE_VERSION, topic, ref, seq }); // undefined keys are left out
}

/** Why a topic frame could not be served (Chanx's TopicErrorReason). */
export type TopicErrorReason = 'unknown_topic' | 'unauthorized' | 'not_subscribed';

/** Chanx's topic error: `{"action":"error","payload":{"reason","detail"}}` stamped with the envelope. */
export function topicError(reason: TopicErrorReason, detail: string, envelope: TopicEnvelope): string {
  return topicFrame('error', { reason, detail }, envelope.topic, envelope.ref);
}

/**
 * What Chanx answers to a topic frame on a consumer that hosts no topics: `subscribe` is an unknown
 * topic, `unsubscribe` is acknowledged (it is idempotent), anything else is not subscribed.
 */
export function answerWithoutTopics(action: unknown, envelope: TopicEnvelope): string {
  const shown = envelope.topic;
  if (action === 'subscribe') return topicError('unknown_topic', `Unknown topic '${shown}'`, envelope);
  if (action === 'unsubscribe') return topicFrame('unsubscribed', null, shown, envelope.ref);
  return topicError('not_subscribed', `Not subscribed to '${shown}'`, envelope);
}
