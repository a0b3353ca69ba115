/**
 * Hand-written ClientChannel descriptions for tests of chanx-gen/client (what a generated client.ts
 * passes to the core), with validators that report errors the way ajv's do.
 */
import type { ClientChannel, ClientValidator } from 'chanx-gen/client';

type Frame = Record<string, unknown>;
type Errors = ClientValidator['errors'];

/** A validator: `check` decides; on failure it leaves `errors` on itself, as ajv does. */
export function validator(check: (f: Frame) => boolean, errors: Errors = null): ClientValidator {
  const v: ClientValidator = (data: unknown) => {
    const ok = data !== null && typeof data === 'object' && check(data as Frame);
    v.errors = ok ? null : errors;
    return ok;
  };
  return v;
}

const payload = (f: Frame) => f['payload'] as Record<string, unknown> | null | undefined;

/** Channel `test` at /ws/test, tagged by `action`, with topic `room:{room_name}`. */
export const tagged: ClientChannel = {
  key: 'test',
  address: '/ws/test',
  sendField: 'action',
  receiveField: 'action',
  receives: {
    pong: validator((f) => f['payload'] === null),
    echoed: validator((f) => typeof payload(f)?.['text'] === 'string', [{ instancePath: '/payload/text', message: 'must be string' }]),
    bare: validator(() => false, null),
    odd: validator(() => false, [{ instancePath: '' }, { instancePath: '/payload', message: 'must be object' }]),
  },
  replies: { ping: ['pong'], say: ['echoed'] },
  topics: [
    {
      key: 'room',
      pattern: 'room:{room_name}',
      sendField: 'action',
      receiveField: 'action',
      receives: {
        posted: validator((f) => typeof payload(f)?.['body'] === 'string'),
        answer: validator((f) => typeof payload(f)?.['value'] === 'number'),
      },
      replies: { post: ['posted'], ask: ['answer'] },
    },
  ],
};

/** Channel `plain` at /ws/test: no discriminator either way, messages told apart by their schemas. */
export const untagged: ClientChannel = {
  key: 'plain',
  address: '/ws/test',
  sendField: null,
  receiveField: null,
  receives: {
    greeting: validator((f) => typeof f['hello'] === 'string'),
    count: validator((f) => typeof f['n'] === 'number'),
  },
  replies: {},
};

/** Channel `mute` at /ws/test: tagged, but the server sends nothing on it. */
export const mute: ClientChannel = { key: 'mute', address: '/ws/test', sendField: 'action', receiveField: 'action', receives: {}, replies: {} };
