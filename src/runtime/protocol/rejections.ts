/**
 * Error frames, exactly as Chanx sends them (DESIGN §4). A Rejection is what a generated router
 * returns instead of calling a handler; the connection sends its frame and keeps going.
 */
import { pythonStr } from './python-repr.js';
import type { TaggedUnions } from './tagged-unions.js';
import { MAX_ERROR_ITEMS, toErrorItems, type ErrorItem, type ModelTitles } from './validation-errors.js';
import type { ValidatorError } from './validator.js';

export class Rejection {
  /** The error frame, serialised. */
  readonly frame: string;
  /**
   * @param validated whether the frame reached message validation (then a completion frame follows
   *   it when `sendCompletion` is on, as in Chanx); false for envelope errors and consumers without handlers.
   * @param ref the request's `ref`, copied onto the frame (DESIGN §4).
   */
  constructor(
    readonly payload: ErrorItem[] | { detail: string },
    readonly validated = true,
    readonly ref?: string,
  ) {
    this.frame = JSON.stringify(ref === undefined ? { action: 'error', payload } : { action: 'error', payload, ref });
  }

  /** The same rejection answering a request that carried `ref` (itself when there is none). */
  withRef(ref: string | undefined): Rejection {
    return ref === undefined || ref === this.ref ? this : new Rejection(this.payload, this.validated, ref);
  }
}

/**
 * The message has the right tag but fails its schema; `titles` names the schemas that are models,
 * `message` is what was validated (for the sizes pydantic states), `unions` where its payload has
 * pydantic's discriminated unions.
 */
export function rejectInvalid(
  tag: string | undefined,
  errors: readonly ValidatorError[] | null | undefined,
  titles?: ModelTitles,
  message?: unknown,
  unions?: TaggedUnions,
): Rejection {
  return new Rejection(toErrorItems(tag === undefined ? [] : [tag], errors, titles, message, unions));
}

/** The discriminator is missing, or has a value no handler takes (shown as Python's str() shows it). */
export function rejectTag(tag: unknown, field: string, tags: readonly string[]): Rejection {
  if (tag === undefined) {
    return new Rejection([{ type: 'union_tag_not_found', loc: [], msg: `Unable to extract tag using discriminator '${field}'` }]);
  }
  const expected = tags.map((t) => `'${t}'`).join(', ');
  return new Rejection([
    { type: 'union_tag_invalid', loc: [], msg: `Input tag '${pythonStr(tag)}' found using '${field}' does not match any of the expected tags: ${expected}` },
  ]);
}

/**
 * No discriminator: the frame matched none of the message schemas. With no schemas at all, the
 * channel takes no messages: Chanx's consumer without handlers answers `Failed to process message`.
 */
export function rejectUnmatched(
  attempts: readonly [string, readonly ValidatorError[] | null | undefined][],
  titles?: ModelTitles,
  message?: unknown,
): Rejection {
  if (attempts.length === 0) return NO_HANDLERS;
  return new Rejection(attempts.flatMap(([name, errors]) => toErrorItems([name], errors, titles, message)).slice(0, MAX_ERROR_ITEMS));
}

/** No discriminator: the frame matched several message schemas, so it cannot be routed. */
export function rejectAmbiguous(names: readonly string[]): Rejection {
  return new Rejection([{ type: 'union_ambiguous', loc: [], msg: `Input matches more than one message: ${names.join(', ')}` }]);
}

/** Not JSON. Chanx drops the connection here (1006); we answer and keep it (DESIGN §4). */
export function invalidJson(reason: string): Rejection {
  return new Rejection([{ type: 'json_invalid', loc: [], msg: `Invalid JSON: ${reason}` }], false);
}

/** JSON that is not an object: Chanx's envelope model refuses it before anything else. */
export const NOT_AN_OBJECT = new Rejection([{ type: 'model_type', loc: [], msg: 'Input should be a valid dictionary or instance of Envelope' }], false);

export const BINARY_FRAME = new Rejection(
  [{ type: 'json_invalid', loc: [], msg: 'Invalid JSON: binary frames are not accepted; send JSON in a text frame' }],
  false,
);

/** A consumer with no client-to-server messages, as Chanx answers (no completion frame follows). */
export const NO_HANDLERS = new Rejection({ detail: 'Failed to process message' }, false);

export function handlerFailed(tag: string): Rejection {
  return new Rejection({ detail: `Failed to process message for ${tag}` });
}

/**
 * A frame over the connection's rate limit (`limit` in words): answered, not handled, so no
 * completion frame follows. Made once per connection; each answer carries its frame's `ref`
 * (`withRef(refIn(text))`), and one without shares this one's frame.
 */
export function rateLimited(limit: string): Rejection {
  return new Rejection([{ type: 'rate_limited', loc: [], msg: `Rate limit exceeded (${limit}): the frame was not processed` }], false);
}

/** The `ref` of a frame's text, when it is a JSON object with a string `ref`. */
export function refIn(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    const ref = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['ref'] : undefined;
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}
