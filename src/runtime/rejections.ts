/**
 * Error frames, exactly as Chanx sends them (DESIGN §4). A Rejection is what a generated router
 * returns instead of calling a handler; the connection sends its frame and keeps going.
 */
import { toErrorItems, type ErrorItem } from './validation-errors.js';
import type { ValidatorError } from './types.js';

export class Rejection {
  /** The error frame, serialised. */
  readonly frame: string;
  constructor(readonly payload: ErrorItem[] | { detail: string }) {
    this.frame = JSON.stringify({ action: 'error', payload });
  }
}

/** The message has the right tag but fails its schema. */
export function rejectInvalid(tag: string | undefined, errors: readonly ValidatorError[] | null | undefined): Rejection {
  return new Rejection(toErrorItems(tag === undefined ? [] : [tag], errors));
}

/** The discriminator is missing, or has a value no handler takes. */
export function rejectTag(tag: unknown, field: string, tags: readonly string[]): Rejection {
  if (tag === undefined) {
    return new Rejection([{ type: 'union_tag_not_found', loc: [], msg: `Unable to extract tag using discriminator '${field}'` }]);
  }
  const expected = tags.map((t) => `'${t}'`).join(', ');
  const shown = typeof tag === 'string' ? tag : JSON.stringify(tag);
  return new Rejection([{ type: 'union_tag_invalid', loc: [], msg: `Input tag '${shown}' found using '${field}' does not match any of the expected tags: ${expected}` }]);
}

/** No discriminator: the frame matched none of the message schemas. */
export function rejectUnmatched(attempts: readonly [string, readonly ValidatorError[] | null | undefined][]): Rejection {
  if (attempts.length === 0) return new Rejection([{ type: 'no_handler', loc: [], msg: 'This channel accepts no messages from clients' }]);
  return new Rejection(attempts.flatMap(([name, errors]) => toErrorItems([name], errors)));
}

/** No discriminator: the frame matched several message schemas, so it cannot be routed. */
export function rejectAmbiguous(names: readonly string[]): Rejection {
  return new Rejection([{ type: 'union_ambiguous', loc: [], msg: `Input matches more than one message: ${names.join(', ')}` }]);
}

export function invalidJson(reason: string): Rejection {
  return new Rejection([{ type: 'json_invalid', loc: [], msg: `Invalid JSON: ${reason}` }]);
}

export const NOT_AN_OBJECT = new Rejection([{ type: 'model_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from' }]);

export const BINARY_FRAME = new Rejection([{ type: 'json_invalid', loc: [], msg: 'Invalid JSON: binary frames are not accepted; send JSON in a text frame' }]);

export function handlerFailed(tag: string): Rejection {
  return new Rejection({ detail: `Failed to process message for ${tag}` });
}
