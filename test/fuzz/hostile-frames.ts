/**
 * fast-check arbitraries for what a hostile client can put in a frame: JSON with keys such as
 * `__proto__` and `constructor`, deep nesting, lone surrogates, huge numbers, text that is not
 * JSON, truncated JSON, binary. Text is always valid UTF-8 (RFC 6455 makes the server fail a
 * connection whose text frame is not, so that case is not a frame the server can answer).
 */
import fc from 'fast-check';

export interface Frame {
  data: string | Buffer;
  binary: boolean;
}

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'action', 'payload', 'message', 'valueOf', ''];

const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }));
const hugeNumber = fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '0.0000000000000000000000001', '-0', '9007199254740993', '1E+308');
const loneSurrogate = fc.constantFrom('"\\ud800"', '"\\udfff"', '"a\\ud83d"', '"\\udc00b"', JSON.stringify('\ud800'));

/** JSON text, written by hand so that `__proto__` keys stay own keys of the text. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false', '0', '-1.5', '""'),
    fc.string({ unit: 'binary', maxLength: 12 }).map((s) => JSON.stringify(s)),
    hugeNumber,
    loneSurrogate,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** Objects shaped like the system channel's messages, with hostile values and extra keys. */
const messageLike = fc
  .tuple(
    fc.constantFrom('"ping"', '"user_message"', '"__proto__"', '"constructor"', 'null', '1', '["ping"]'),
    jsonText,
    fc.array(fc.tuple(key, jsonText), { maxLength: 3 }),
  )
  .map(([action, payload, extra]) => `{${[`"action":${action}`, `"payload":${payload}`, ...extra.map(([k, v]) => `${JSON.stringify(k)}:${v}`)].join(',')}}`);

const deep = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[]', '{"a":}', '{"__proto__":}')).map(([n, kind]) => {
  if (kind === '[]') return '['.repeat(n) + ']'.repeat(n);
  const [open, close] = kind === '{"a":}' ? ['{"a":', '}'] : ['{"__proto__":', '}'];
  return `{"action":"user_message","payload":${open.repeat(n)}1${close.repeat(n)}}`;
});

const text = fc.oneof(
  jsonText,
  messageLike,
  messageLike.chain((t) => fc.integer({ min: 0, max: t.length }).map((cut) => t.slice(0, cut))), // truncated
  fc.string({ unit: 'binary', maxLength: 40 }), // not JSON (lone surrogates become U+FFFD on the wire)
  deep,
  fc.constantFrom('', ' ', '\ufeff{}', 'NaN', 'Infinity', '{"action":"ping"}', '{"action":"user_message","payload":{"message":"\\ud800"}}'),
);

export const frame: fc.Arbitrary<Frame> = fc.oneof(
  { arbitrary: text.map((data) => ({ data, binary: false })), weight: 9 },
  { arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ data: Buffer.from(bytes), binary: true })), weight: 1 },
);
