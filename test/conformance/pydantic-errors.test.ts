/**
 * Error items as pydantic v2 writes them, for the JSON Schema keywords a message can carry (issue 14),
 * and values in error texts as Python spells them. Expectations come from pydantic-core's error
 * templates (src/errors/types.rs: `String should have at most {max_length} character{expected_plural}`,
 * ...), its literal validator (each expected value's Python repr(), joined `a, b or c`) and Python's
 * repr() rules, not from our code. A spec using each keyword is generated once; frames go through
 * dispatchFrame, the code the server runs for every frame.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchFrame, rejectInvalid, type ChannelDefinition, type ConnectionContext } from 'chanx-gen/runtime';
import { systemChannel } from '../../generated/system/router.js';
import { runPipeline } from '../../src/pipeline.js';
import { applyPlan } from '../../src/write/apply-plan.js';
import { pythonRepr } from '../../src/runtime/protocol/python-repr.js';
import { scratch } from '../helpers/cli.js';

type Channel = ChannelDefinition<unknown, unknown, unknown>;

const SPEC = `
asyncapi: 3.0.0
info: { title: Constraints, version: 1.0.0 }
channels:
  forms:
    address: /forms
    messages:
      limits:
        payload:
          type: object
          properties:
            action: { type: string, const: limits }
            payload:
              type: object
              properties:
                code: { type: string, maxLength: 3 }
                letter: { type: string, maxLength: 1 }
                score: { type: number, maximum: 10 }
                ratio: { type: number, exclusiveMaximum: 1 }
                step: { type: integer, multipleOf: 5 }
                half: { type: number, multipleOf: 0.5 }
                tags: { type: array, items: { type: string }, minItems: 2 }
                pair: { type: array, minItems: 1, maxItems: 1 }
                email: { type: string, format: email }
                mode: { enum: [null, true, false, 0.5, "it's", "a\\\\b"] }
                only: { enum: [only] }
                level: { const: 3 }
                priority: { type: string, enum: [low, high] }
                seven: { type: integer, const: 7 }
                note: { type: [string, 'null'] }
                cents: { type: number, multipleOf: 0.01 }
                tenth: { type: number, multipleOf: 0.1 }
                even: { type: integer, multipleOf: 2 }
                unique: { type: array, uniqueItems: true }
                short: { type: string, minLength: 2 }
                initial: { type: string, minLength: 1 }
                above: { type: number, exclusiveMinimum: 0 }
                day: { type: string, format: date }
                either: { type: [string, integer] }
                one: { oneOf: [{ type: number }, { type: integer }] }
                bag: { type: object, minProperties: 2 }
                box: { type: object, maxProperties: 1 }
                at: { type: string, format: date-time }
                id: { type: string, format: uuid }
                home: { type: string, format: uri }
                host: { type: string, format: ipv4 }
                status: { $ref: '#/components/schemas/Status' }
                rank: { $ref: '#/components/schemas/Rank' }
                maybe: { anyOf: [{ $ref: '#/components/schemas/Status' }, { type: 'null' }] }
                clock: { type: string, format: time }
                span: { type: string, format: duration }
                host6: { type: string, format: ipv6 }
          required: [payload]
  single:
    address: /single
    messages:
      note:
        payload: { type: object, properties: { text: { type: string, maxLength: 2 } }, required: [text] }
  closed:
    address: /closed
    messages:
      shut:
        payload: { type: object, additionalProperties: false, properties: { action: { const: shut }, n: { type: integer } } }
  pair:
    address: /pair
    messages:
      left:
        payload: { type: object, properties: { a: { type: integer } }, required: [a] }
      right:
        payload: { type: object, properties: { b: { type: integer } }, required: [b] }
components:
  schemas:
    Status: { title: Status, type: string, enum: [PENDING, DONE] }
    Rank: { title: Rank, type: integer, enum: [1, 2] }
operations:
  receiveShut: { action: receive, channel: { $ref: '#/channels/closed' }, messages: [{ $ref: '#/channels/closed/messages/shut' }] }
  receiveLimits: { action: receive, channel: { $ref: '#/channels/forms' }, messages: [{ $ref: '#/channels/forms/messages/limits' }] }
  receiveNote: { action: receive, channel: { $ref: '#/channels/single' }, messages: [{ $ref: '#/channels/single/messages/note' }] }
  receiveLeft: { action: receive, channel: { $ref: '#/channels/pair' }, messages: [{ $ref: '#/channels/pair/messages/left' }] }
  receiveRight: { action: receive, channel: { $ref: '#/channels/pair' }, messages: [{ $ref: '#/channels/pair/messages/right' }] }
`;

const ctx = { send: () => undefined } as unknown as ConnectionContext<unknown, unknown>;
const handlers = new Proxy({}, { get: () => () => undefined });

/** The error items a client gets back for `frame` on `channel`. */
function errorsFor(channel: Channel, frame: unknown): unknown {
  const answer = dispatchFrame(typeof frame === 'string' ? frame : JSON.stringify(frame), channel, handlers, ctx, () => undefined);
  expect(typeof answer).toBe('string');
  const parsed = JSON.parse(answer as string) as { action: string; payload: unknown };
  expect(parsed.action).toBe('error');
  return parsed.payload;
}

let forms: Channel;
let single: Channel;
let pair: Channel;
let closed: Channel;

beforeAll(async () => {
  const dir = scratch();
  writeFileSync(path.join(dir, 'spec.yaml'), SPEC);
  applyPlan((await runPipeline({ spec: 'spec.yaml', out: path.join(dir, 'out'), cwd: dir })).plan);
  const load = async (folder: string, name: string) => ((await import(path.join(dir, 'out', folder, 'router.ts'))) as Record<string, Channel>)[name]!;
  [forms, single, pair, closed] = await Promise.all([
    load('forms', 'formsChannel'),
    load('single', 'singleChannel'),
    load('pair', 'pairChannel'),
    load('closed', 'closedChannel'),
  ]);
});

describe('constraint errors, as pydantic words them', () => {
  const at = (field: string) => ['limits', 'payload', field];
  const limits = (payload: Record<string, unknown>) => errorsFor(forms, { action: 'limits', payload });

  it.each([
    [{ code: 'abcd' }, 'string_too_long', 'code', 'String should have at most 3 characters'],
    [{ letter: 'ab' }, 'string_too_long', 'letter', 'String should have at most 1 character'],
    [{ score: 10.5 }, 'less_than_equal', 'score', 'Input should be less than or equal to 10'],
    [{ ratio: 1 }, 'less_than', 'ratio', 'Input should be less than 1'],
    [{ step: 7 }, 'multiple_of', 'step', 'Input should be a multiple of 5'],
    [{ half: 0.7 }, 'multiple_of', 'half', 'Input should be a multiple of 0.5'],
    [{ short: 'a' }, 'string_too_short', 'short', 'String should have at least 2 characters'],
    [{ initial: '' }, 'string_too_short', 'initial', 'String should have at least 1 character'],
    [{ above: 0 }, 'greater_than', 'above', 'Input should be greater than 0'],
  ])('%j -> %s', (payload, type, field, msg) => {
    expect(limits(payload)).toEqual([{ type, loc: at(field), msg }]);
  });

  it('lists the literals a value should be, each as Python repr() shows it', () => {
    expect(limits({ mode: 'x' })).toEqual([{ type: 'literal_error', loc: at('mode'), msg: `Input should be None, True, False, 0.5, "it's" or 'a\\\\b'` }]);
    expect(limits({ only: 'other' })).toEqual([{ type: 'literal_error', loc: at('only'), msg: "Input should be 'only'" }]);
    expect(limits({ level: 4 })).toEqual([{ type: 'literal_error', loc: at('level'), msg: 'Input should be 3' }]);
  });

  // pydantic-core's too_short / too_long: `{kind} should have at least {n} item{s} after validation, not {actual}`.
  it.each([
    [{ tags: ['a'] }, 'too_short', 'tags', 'List should have at least 2 items after validation, not 1'],
    [{ pair: [] }, 'too_short', 'pair', 'List should have at least 1 item after validation, not 0'],
    [{ pair: [1, 2] }, 'too_long', 'pair', 'List should have at most 1 item after validation, not 2'],
    [{ bag: { a: 1 } }, 'too_short', 'bag', 'Dictionary should have at least 2 items after validation, not 1'],
    [{ box: { a: 1, b: 2, c: 3 } }, 'too_long', 'box', 'Dictionary should have at most 1 item after validation, not 3'],
  ])('%j -> %s', (payload, type, field, msg) => {
    expect(limits(payload)).toEqual([{ type, loc: at(field), msg }]);
  });

  it('without the value (a router generated before it passed one), stops before the count', () => {
    const items = rejectInvalid('t', [{ instancePath: '/xs', keyword: 'minItems', params: { limit: 2 } }]).payload;
    expect(items).toEqual([{ type: 'too_short', loc: ['t', 'xs'], msg: 'List should have at least 2 items' }]);
  });

  // pydantic's type per format, and its text up to the comma after which its parser gives the reason.
  it.each([
    [{ day: '2026-13-45' }, 'date_from_datetime_parsing', 'day', 'Input should be a valid date or datetime'],
    [{ at: 'soon' }, 'datetime_from_date_parsing', 'at', 'Input should be a valid datetime or date'],
    [{ id: 'nope' }, 'uuid_parsing', 'id', 'Input should be a valid UUID'],
    [{ home: 'no scheme' }, 'url_parsing', 'home', 'Input should be a valid URL'],
    [{ host: '300.1.1.1' }, 'ip_v4_address', 'host', 'Input is not a valid IPv4 address'],
    [{ host6: '1::2::3' }, 'ip_v6_address', 'host6', 'Input is not a valid IPv6 address'],
    [{ clock: '25:99' }, 'time_parsing', 'clock', 'Input should be in a valid time format'],
    [{ span: 'a while' }, 'time_delta_parsing', 'span', 'Input should be a valid timedelta'],
    [{ email: 'nope' }, 'value_error', 'email', 'value is not a valid email address'],
  ])('%j -> %s', (payload, type, field, msg) => {
    expect(limits(payload)).toEqual([{ type, loc: at(field), msg }]);
  });

  it("takes a datetime or a time without a zone offset, as pydantic's datetime and time do (Chanx sends naive isoformat())", () => {
    const accepted = (payload: Record<string, unknown>) => dispatchFrame(JSON.stringify({ action: 'limits', payload }), forms, handlers, ctx, () => undefined);
    for (const at of ['2026-01-01T10:00:00', '2026-01-01T10:00:00.123456', '2026-01-01T10:00:00+02:00', '2026-01-01T10:00:00Z'])
      expect(accepted({ at })).toBeUndefined();
    for (const clock of ['10:00:00', '10:00:00.5', '10:00:00+02:00']) expect(accepted({ clock })).toBeUndefined();
  });

  it("answers a named enum (a Python Enum, a schema of its own) with pydantic's enum error, an inline one with literal_error", () => {
    expect(limits({ status: 'LATE' })).toEqual([{ type: 'enum', loc: at('status'), msg: "Input should be 'PENDING' or 'DONE'" }]);
    expect(limits({ only: 'other' })).toEqual([{ type: 'literal_error', loc: at('only'), msg: "Input should be 'only'" }]);
    expect(limits({ rank: 3 })).toEqual([{ type: 'enum', loc: at('rank'), msg: 'Input should be 1 or 2' }]);
  });

  it('answers a value of the wrong type for a named enum as pydantic does: with the enum error alone', () => {
    expect(limits({ status: 5 })).toEqual([{ type: 'enum', loc: at('status'), msg: "Input should be 'PENDING' or 'DONE'" }]);
    expect(limits({ rank: 'one' })).toEqual([{ type: 'enum', loc: at('rank'), msg: 'Input should be 1 or 2' }]);
  });

  it('answers a value of the wrong type for an inline enum or const (a Literal in pydantic) with literal_error alone', () => {
    expect(limits({ priority: 5 })).toEqual([{ type: 'literal_error', loc: at('priority'), msg: "Input should be 'low' or 'high'" }]);
    expect(limits({ seven: 'x' })).toEqual([{ type: 'literal_error', loc: at('seven'), msg: 'Input should be 7' }]);
    expect(limits({ priority: 'mid' })).toEqual([{ type: 'literal_error', loc: at('priority'), msg: "Input should be 'low' or 'high'" }]);
  });

  it("checks multipleOf with pydantic-core's rule: a number's remainder may be off by a billionth of it, an integer's not at all", () => {
    const accepted = (payload: Record<string, unknown>) => dispatchFrame(JSON.stringify({ action: 'limits', payload }), forms, handlers, ctx, () => undefined);
    // rem = v % m; bound = |v| / 1e9; refused when |rem| > bound and |rem - m| > bound.
    for (const cents of [0.07, 0.29, 1.1, 19.99, 0, -0.07, 1234567.89, 123456789.07]) expect(accepted({ cents })).toBeUndefined();
    expect(limits({ cents: 0.075 })).toEqual([{ type: 'multiple_of', loc: at('cents'), msg: 'Input should be a multiple of 0.01' }]);
    expect(limits({ tenth: 1e-10 })).toEqual([{ type: 'multiple_of', loc: at('tenth'), msg: 'Input should be a multiple of 0.1' }]);
    expect(accepted({ even: 4_000_000_000 })).toBeUndefined();
    expect(limits({ even: 3_000_000_001 })).toEqual([{ type: 'multiple_of', loc: at('even'), msg: 'Input should be a multiple of 2' }]);
  });

  it("answers a value of the wrong type for type: [X, 'null'] (pydantic's Optional[X]) with X's error alone", () => {
    expect(limits({ note: 5 })).toEqual([{ type: 'string_type', loc: at('note'), msg: 'Input should be a valid string' }]);
    expect(dispatchFrame(JSON.stringify({ action: 'limits', payload: { note: null } }), forms, handlers, ctx, () => undefined)).toBeUndefined();
  });

  it("answers an optional named enum (anyOf with null, pydantic's nullable schema) with the enum error alone", () => {
    expect(limits({ maybe: 'LATE' })).toEqual([{ type: 'enum', loc: at('maybe'), msg: "Input should be 'PENDING' or 'DONE'" }]);
    expect(dispatchFrame(JSON.stringify({ action: 'limits', payload: { maybe: null } }), forms, handlers, ctx, () => undefined)).toBeUndefined();
  });

  it("holds a message that forbids extra keys to it (extra='forbid'), the envelope's keys aside", () => {
    expect(errorsFor(closed, { action: 'shut', n: 1, extra: true })).toEqual([
      { type: 'extra_forbidden', loc: ['shut', 'extra'], msg: 'Extra inputs are not permitted' },
    ]);
    const answer = dispatchFrame(JSON.stringify({ action: 'shut', n: 1, ref: 'r1' }), closed, handlers, ctx, () => undefined);
    expect(answer).toBeUndefined();
  });

  it("names a keyword pydantic has no error for by its JSON Schema name, with ajv's explanation", () => {
    expect(limits({ unique: [1, 1] })).toEqual([{ type: 'uniqueItems', loc: at('unique'), msg: expect.stringContaining('duplicate') }]);
    // A oneOf whose branches all fail reports them (below); one refused because two branches pass is only the oneOf.
    expect(limits({ one: 1 })).toEqual([{ type: 'oneOf', loc: at('one'), msg: 'must match exactly one schema in oneOf' }]);
    expect(limits({ one: 'x' })).toEqual([
      { type: 'float_type', loc: at('one'), msg: 'Input should be a valid number' },
      { type: 'int_type', loc: at('one'), msg: 'Input should be a valid integer' },
    ]);
  });

  it("words a list of types in pydantic's shape (one type or another)", () => {
    expect(limits({ either: [] })).toEqual([{ type: 'type_error', loc: at('either'), msg: 'Input should be of type string or integer' }]);
  });

  it('still gives every item a msg when a validator leaves no text (ajv with messages: false)', () => {
    const items = rejectInvalid('t', [{ instancePath: '/x', keyword: 'uniqueItems', params: {} }]).payload as { msg: string }[];
    expect(items).toEqual([{ type: 'uniqueItems', loc: ['t', 'x'], msg: expect.stringContaining('uniqueItems') }]);
  });

  it('answers a validator that failed without errors with an empty list, not a crash', () => {
    expect(rejectInvalid('t', null).payload).toEqual([]);
    expect(rejectInvalid('t', undefined).payload).toEqual([]);
  });
});

describe('channels without a discriminator', () => {
  it("locates errors of a channel's only message from the message itself, with no tag before them", () => {
    expect(errorsFor(single, { text: 'abc' })).toEqual([{ type: 'string_too_long', loc: ['text'], msg: 'String should have at most 2 characters' }]);
  });

  it('refuses a frame that matches several messages, naming them', () => {
    expect(errorsFor(pair, { a: 1, b: 2 })).toEqual([{ type: 'union_ambiguous', loc: [], msg: expect.stringMatching(/\bleft\b.*\bright\b/) }]);
  });
});

describe('tags that match no message, shown as Python str() shows them', () => {
  const expectedTags = "does not match any of the expected tags: 'ping', 'user_message'";
  const tagShown = (raw: string) => {
    const items = errorsFor(systemChannel as Channel, `{"action":${raw}}`) as { type: string; msg: string }[];
    expect(items).toHaveLength(1);
    expect(items[0]!.type).toBe('union_tag_invalid');
    const m = /^Input tag '(.*)' found using 'action' (.*)$/s.exec(items[0]!.msg);
    expect(m?.[2]).toBe(expectedTags);
    return m?.[1];
  };

  // Left: the JSON sent as the tag; right: str() of what Python's json.loads makes of it.
  it.each([
    [`["it's"]`, `["it's"]`],
    [`["say \\"hi\\""]`, `['say "hi"']`],
    [`["both ' and \\""]`, `['both \\' and "']`],
    [`["back\\\\slash"]`, `['back\\\\slash']`],
    [`["line\\nfeed\\r\\t"]`, `['line\\nfeed\\r\\t']`],
    [`["\\u0001\\u001f\\u007f"]`, `['\\x01\\x1f\\x7f']`],
    [`["\\u0085\\u00a0\\u00ad"]`, `['\\x85\\xa0\\xad']`],
    [`["\\u00e9 \\ud83d\\udd27"]`, `['é 🔧']`],
    [`["\\u2028\\ufeff\\uffff\\u3000\\u0600"]`, `['\\u2028\\ufeff\\uffff\\u3000\\u0600']`],
    [`["\\ud800"]`, `['\\ud800']`],
    [`["\\udb40\\udc01"]`, `['\\U000e0001']`],
    [`{"k'": [1e-7, 2.5e-5, 0.0001, 0.5, null, true, false]}`, `{"k'": [1e-07, 2.5e-05, 0.0001, 0.5, None, True, False]}`],
    ['1e999', 'inf'],
    ['-1e999', '-inf'],
  ])('%s -> %s', (raw, shown) => {
    expect(tagShown(raw)).toBe(shown);
  });

  it("spells NaN as Python does (JSON.parse never makes one; Python's json.loads does)", () => {
    expect(pythonRepr(Number.NaN)).toBe('nan');
  });
});
