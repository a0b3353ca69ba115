/**
 * The envelope (DESIGN §4): version/topic/ref/seq checked as Chanx's pydantic model checks them,
 * taken off the frame, `ref` copied onto every answer, topic frames handed to the topic seam.
 */
import { describe, expect, it } from 'vitest';
import { dispatchFrame, Rejection, takeEnvelope, type ChannelDefinition, type ConnectionContext, type TopicRouter } from 'chanx-gen/runtime';
import { systemChannel } from '../../generated/system/router.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import { pythonRepr, pythonStr } from '../../src/runtime/protocol/python-repr.js';

const channel = systemChannel as ChannelDefinition<unknown, unknown, unknown>;
const ctx = { send: () => undefined } as unknown as ConnectionContext<unknown, unknown>;
const failures: string[] = [];
const run = (text: string, options = {}, on: ChannelDefinition<unknown, unknown, unknown> = channel) =>
  dispatchFrame(text, on, new SystemConsumer(), ctx, (tag) => void failures.push(tag), options);
const parsed = (frames: unknown) => (Array.isArray(frames) ? frames.map((f: string) => JSON.parse(f)) : JSON.parse(frames as string));

describe('takeEnvelope', () => {
  it.each([
    [
      { action: 'ping', version: 2, topic: 't', ref: 'r', seq: 3, extra: 1 },
      { version: 2, topic: 't', ref: 'r', seq: 3 },
      { action: 'ping', extra: 1 },
    ],
    [{ action: 'ping', version: '  7 ', seq: true }, { version: 7, seq: 1 }, { action: 'ping' }],
    [{ action: 'ping', version: '1_000', seq: 4.0 }, { version: 1000, seq: 4 }, { action: 'ping' }],
    [{ action: 'ping', topic: null, ref: null, seq: null }, {}, { action: 'ping' }],
    [{ action: 'ping', version: ' 12.00 ', seq: '-3' }, { version: 12, seq: -3 }, { action: 'ping' }],
  ])('%j -> %j', (frame, envelope, rest) => {
    const copy: Record<string, unknown> = { ...frame };
    expect(takeEnvelope(copy)).toEqual(envelope);
    expect(copy).toEqual(rest);
  });

  it.each([
    [{ version: 'x' }, [{ type: 'int_parsing', loc: ['version'], msg: 'Input should be a valid integer, unable to parse string as an integer' }]],
    [{ version: null }, [{ type: 'int_type', loc: ['version'], msg: 'Input should be a valid integer' }]],
    [{ version: 1.5 }, [{ type: 'int_from_float', loc: ['version'], msg: 'Input should be a valid integer, got a number with a fractional part' }]],
    [{ seq: [1] }, [{ type: 'int_type', loc: ['seq'], msg: 'Input should be a valid integer' }]],
    [JSON.parse('{"seq":1e400}'), [{ type: 'finite_number', loc: ['seq'], msg: 'Input should be a finite number' }]],
    [
      { seq: 'a', ref: 5, topic: false, version: {} },
      [
        { type: 'int_type', loc: ['version'], msg: 'Input should be a valid integer' },
        { type: 'string_type', loc: ['topic'], msg: 'Input should be a valid string' },
        { type: 'string_type', loc: ['ref'], msg: 'Input should be a valid string' },
        { type: 'int_parsing', loc: ['seq'], msg: 'Input should be a valid integer, unable to parse string as an integer' },
      ],
    ],
  ])('refuses %j in field order', (frame, errors) => {
    const got = takeEnvelope({ action: 'ping', ...frame });
    expect(got).toBeInstanceOf(Rejection);
    expect(JSON.parse((got as Rejection).frame)).toEqual({ action: 'error', payload: errors });
  });

  it('keeps a valid ref on the error about another field', () => {
    const got = takeEnvelope({ action: 'ping', version: 'x', ref: 'r9' }) as Rejection;
    expect(JSON.parse(got.frame)).toMatchObject({ action: 'error', ref: 'r9' });
  });
});

describe('dispatch with an envelope', () => {
  it('copies ref onto the reply, on error frames and on handler failures', () => {
    expect(parsed(run('{"action":"ping","ref":"a"}'))).toEqual({ action: 'pong', payload: null, ref: 'a' });
    expect(parsed(run('{"action":"nope","ref":"b"}'))).toMatchObject({ action: 'error', payload: [{ type: 'union_tag_invalid' }], ref: 'b' });
    expect(parsed(run('{"action":"user_message","payload":{},"ref":"c","seq":1,"version":1}'))).toMatchObject({
      action: 'error',
      payload: [{ type: 'missing' }],
      ref: 'c',
    });
    expect(parsed(run('{"action":"ping"}'))).toEqual({ action: 'pong', payload: null });
  });

  it('answers a topic frame on a channel without topics as Chanx does', () => {
    expect(parsed(run('{"action":"ping","topic":"x","ref":"r1"}'))).toEqual({
      action: 'error',
      payload: { reason: 'not_subscribed', detail: "Not subscribed to 'x'" },
      version: 1,
      topic: 'x',
      ref: 'r1',
    });
    expect(parsed(run('{"action":"subscribe","topic":"x"}'))).toEqual({
      action: 'error',
      payload: { reason: 'unknown_topic', detail: "Unknown topic 'x'" },
      version: 1,
      topic: 'x',
    });
    expect(parsed(run('{"action":"unsubscribe","topic":"x","ref":"u"}'))).toEqual({ action: 'unsubscribed', payload: null, version: 1, topic: 'x', ref: 'u' });
  });

  it("hands topic frames to the channel's topic router, envelope taken off", () => {
    const seen: unknown[] = [];
    const topics: TopicRouter = { route: (message, envelope) => (seen.push([message, envelope]), 'routed') };
    expect(run('{"action":"chat","topic":"room:1","ref":"q","payload":{"a":1}}', {}, { ...channel, topics })).toBe('routed');
    expect(seen).toEqual([
      [
        { action: 'chat', payload: { a: 1 } },
        { topic: 'room:1', ref: 'q' },
      ],
    ]);
    expect(parsed(run('{"action":"ping"}', {}, { ...channel, topics }))).toEqual({ action: 'pong', payload: null });
  });

  it('follows every validated frame with a completion frame when asked, and no other', () => {
    const on = { sendCompletion: true };
    expect(parsed(run('{"action":"ping","ref":"z"}', on))).toEqual([
      { action: 'pong', payload: null, ref: 'z' },
      { action: 'complete', payload: null, ref: 'z' },
    ]);
    expect(parsed(run('{"action":"nope"}', on))).toEqual([expect.objectContaining({ action: 'error' }), { action: 'complete', payload: null }]);
    expect(parsed(run('42', on))).toMatchObject({ action: 'error' });
    expect(parsed(run('{"action":', on))).toMatchObject({ action: 'error', payload: [{ type: 'json_invalid' }] });
    expect(parsed(run('{"action":"ping","version":"x"}', on))).toMatchObject({ action: 'error' });
    expect(parsed(run('{"action":"ping","topic":"x"}', on))).toMatchObject({ action: 'error', topic: 'x' });
  });

  it('sends nothing for an asynchronous handler that answers null or nothing', async () => {
    for (const reply of [null, undefined]) {
      const quiet = { ...new SystemConsumer(), onPing: async () => reply };
      expect(await dispatchFrame('{"action":"ping","ref":"q"}', channel, quiet, ctx, () => undefined)).toBeUndefined();
    }
  });

  it('sends the completion frame alone after a handler that answers nothing', () => {
    const silent = { ...new SystemConsumer(), onPing: () => undefined };
    const frames = dispatchFrame('{"action":"ping","ref":"q"}', channel, silent, ctx, () => undefined, { sendCompletion: true });
    expect(frames).toBe('{"action":"complete","payload":null,"ref":"q"}');
  });
});

describe('Python spelling of values in error texts', () => {
  it.each([
    [null, 'None'],
    [true, 'True'],
    [42, '42'],
    [1e21, '1000000000000000000000'],
    [1.5, '1.5'],
    [1e-7, '1e-07'],
    [['ping'], "['ping']"],
    [{ a: [1, "it's"] }, `{'a': [1, "it's"]}`],
    [{ b: {}, a: false }, "{'b': {}, 'a': False}"],
    ['tab\there', "'tab\\there'"],
  ])('%j -> %s', (value, want) => expect(pythonRepr(value)).toBe(want));

  it('str() of a string is the string itself', () => expect(pythonStr('nope')).toBe('nope'));
});
