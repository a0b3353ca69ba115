/**
 * What the Redis layer publishes: `<origin><stamp> <kind><body>`.
 * - origin: 8 characters naming the sending layer (it skips its own messages, already delivered);
 * - stamp: `<epoch>.<n>` in base 36 (sequence.ts), then a space;
 * - kind PLAIN ('0') and the frame: the commonest send (one group, nobody left out, not an event);
 * - kind HEADED ('1'), a JSON header [id left out or '', the event's channel or '', the groups or 0],
 *   a newline and the frame. The frame is passed on exactly as the sender serialised it.
 */

export const ORIGIN_LENGTH = 8;
const PLAIN = '0';
const HEADED = '1';

/** The part after the stamp, built once per send whatever the number of channels. */
export function messageBody(frame: string, excludeMemberId: string | undefined, eventOf: string | undefined, groups: readonly string[] | 0): string {
  return excludeMemberId === undefined && eventOf === undefined && groups === 0
    ? PLAIN + frame
    : `${HEADED}${JSON.stringify([excludeMemberId ?? '', eventOf ?? '', groups])}\n${frame}`;
}

export interface Stamped {
  origin: string;
  epoch: number;
  n: number;
  /** Where the body (its kind) starts. */
  body: number;
}

/** Origin and stamp, or undefined for anything else (such as another client's message on the channel). */
export function readStamp(message: string): Stamped | undefined {
  const dot = message.indexOf('.', ORIGIN_LENGTH);
  const space = message.indexOf(' ', ORIGIN_LENGTH);
  if (dot < 0 || space < dot || space > ORIGIN_LENGTH + 24) return undefined;
  const epoch = Number.parseInt(message.slice(ORIGIN_LENGTH, dot), 36);
  const n = Number.parseInt(message.slice(dot + 1, space), 36);
  if (!(epoch > 0 && n > 0)) return undefined;
  return { origin: message.slice(0, ORIGIN_LENGTH), epoch, n, body: space + 1 };
}

export interface Body {
  /** The member left out ('' for nobody; a value that is no member's id leaves nobody out). */
  id: string;
  eventOf: string | undefined;
  groups: readonly string[] | 0;
  frame: string;
}

const PLAIN_BODY = { id: '', eventOf: undefined, groups: 0 } as const;

/** The body starting at `at`, or undefined when it is not one of ours. */
export function readBody(message: string, at: number): Body | undefined {
  if (message[at] === PLAIN) return { ...PLAIN_BODY, frame: message.slice(at + 1) };
  const newline = message.indexOf('\n', at);
  if (newline < 0 || message[at] !== HEADED) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(message.slice(at + 1, newline));
  } catch {
    return undefined;
  }
  // Valid JSON of another shape would make the reading below throw inside ioredis's socket handler.
  if (!Array.isArray(header)) return undefined;
  // An id that is not a string is no member's, so it needs no check.
  const [id, eventOf, groups] = header as [string, unknown, unknown];
  if (typeof eventOf !== 'string' || (groups !== 0 && !Array.isArray(groups))) return undefined;
  return { id, eventOf: eventOf === '' ? undefined : eventOf, groups: groups as readonly string[] | 0, frame: message.slice(newline + 1) };
}
