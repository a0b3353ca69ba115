/**
 * The tutorial's system echo, served by the committed generated/ code over a real ws connection:
 * every row of DESIGN §4, frame by frame, plus the server's behaviour under load and abuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../generated/server.js';
import { systemChannel } from '../../generated/system/router.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { createChanxServer, mount, type ChanxServer } from 'chanx-gen/runtime';
import { connect, quietFor, upgradeStatus, type Recorder } from '../helpers/ws-client.js';

const WELCOME = '{"action":"system_echo","payload":{"message":"🔧 System: Connection established!"}}';
const logged: string[] = [];
const logger = { error: (message: string) => void logged.push(message) };

let server: ChanxServer;
let base: string;

beforeAll(async () => {
  server = createServer({ logger, maxPayload: 64 * 1024 });
  const port = await server.listen(0, '127.0.0.1');
  base = `ws://127.0.0.1:${port}`;
});
afterAll(() => server.close());

async function system(): Promise<Recorder> {
  const client = await connect(`${base}/ws/system`);
  expect(await client.next()).toBe(WELCOME);
  return client;
}

describe('DESIGN §4 wire protocol, frame by frame', () => {
  const rows: [string, string | Buffer, unknown][] = [
    ['ping', '{"action":"ping"}', { action: 'pong', payload: null }],
    ['ping with null payload', '{"action":"ping","payload":null}', { action: 'pong', payload: null }],
    ['user_message', '{"action":"user_message","payload":{"message":"Hello"}}', { action: 'system_echo', payload: { message: '🔧 System Echo: Hello' } }],
    [
      'extra top-level keys are ignored',
      '{"action":"user_message","payload":{"message":"x"},"id":7}',
      { action: 'system_echo', payload: { message: '🔧 System Echo: x' } },
    ],
    [
      'unknown action',
      '{"action":"foo"}',
      {
        action: 'error',
        payload: [
          { type: 'union_tag_invalid', loc: [], msg: "Input tag 'foo' found using 'action' does not match any of the expected tags: 'ping', 'user_message'" },
        ],
      },
    ],
    [
      'missing action',
      '{"payload":{}}',
      { action: 'error', payload: [{ type: 'union_tag_not_found', loc: [], msg: "Unable to extract tag using discriminator 'action'" }] },
    ],
    [
      'missing field',
      '{"action":"user_message","payload":{}}',
      { action: 'error', payload: [{ type: 'missing', loc: ['user_message', 'payload', 'message'], msg: 'Field required' }] },
    ],
    [
      'missing payload',
      '{"action":"user_message"}',
      { action: 'error', payload: [{ type: 'missing', loc: ['user_message', 'payload'], msg: 'Field required' }] },
    ],
    [
      'wrong type',
      '{"action":"user_message","payload":{"message":5}}',
      { action: 'error', payload: [{ type: 'string_type', loc: ['user_message', 'payload', 'message'], msg: 'Input should be a valid string' }] },
    ],
    [
      'ping with a payload',
      '{"action":"ping","payload":5}',
      { action: 'error', payload: [{ type: 'none_required', loc: ['ping', 'payload'], msg: 'Input should be None' }] },
    ],
  ];
  it.each(rows)('%s', async (_name, frame, want) => {
    const client = await system();
    client.ws.send(frame);
    expect(await client.nextJson()).toEqual(want);
    client.ws.close();
  });

  it.each([['[1,2]'], ['"x"'], ['5'], ['null']])('a JSON value that is not an object (%s) is a model_type error', async (frame) => {
    const client = await system();
    client.ws.send(frame);
    expect(await client.nextJson()).toEqual({ action: 'error', payload: [{ type: 'model_type', loc: [], msg: expect.stringContaining('valid dictionary') }] });
    client.ws.close();
  });

  it('text that is not JSON is a json_invalid error', async () => {
    const client = await system();
    client.ws.send('not json');
    const frame = (await client.nextJson()) as { payload: { type: string; loc: unknown[]; msg: string }[] };
    expect(frame.payload).toHaveLength(1);
    expect(frame.payload[0]).toMatchObject({ type: 'json_invalid', loc: [] });
    expect(frame.payload[0]!.msg).toMatch(/^Invalid JSON: /);
    client.ws.close();
  });

  it('a binary frame is a json_invalid error, and the connection keeps working', async () => {
    const client = await system();
    client.ws.send(Buffer.from('{"action":"ping"}'), { binary: true });
    expect(await client.nextJson()).toMatchObject({ action: 'error', payload: [{ type: 'json_invalid', loc: [] }] });
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    client.ws.close();
  });

  it('after every error row the same connection still answers', async () => {
    const client = await system();
    for (const bad of ['{"action":"foo"}', '{"payload":{}}', '[1,2]', 'not json', '{"action":"user_message","payload":{}}']) {
      client.ws.send(bad);
      expect(await client.nextJson()).toMatchObject({ action: 'error' });
    }
    client.ws.send('{"action":"user_message","payload":{"message":"still here"}}');
    expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System Echo: still here' } });
    client.ws.close();
  });
});

describe('the system server', () => {
  it('never broadcasts: a second client gets only its own welcome', async () => {
    const a = await system();
    const b = await system();
    a.ws.send('{"action":"user_message","payload":{"message":"only for a"}}');
    expect(await a.nextJson()).toMatchObject({ action: 'system_echo' });
    expect(await quietFor(b, 200)).toEqual([]);
    a.ws.close();
    b.ws.close();
  });

  it('answers 200 pipelined messages in order', async () => {
    const client = await system();
    for (let i = 0; i < 200; i++) client.ws.send(JSON.stringify({ action: 'user_message', payload: { message: `m${i}` } }));
    for (let i = 0; i < 200; i++) expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: `🔧 System Echo: m${i}` } });
    client.ws.close();
  });

  it('refuses an unknown path with 404', async () => {
    const status = await upgradeStatus(`${base}/ws/nope`);
    expect(status).toBe(404);
  });

  it('closes only the sender of an oversized frame, with 1009', async () => {
    const big = await system();
    const other = await system();
    big.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'x'.repeat(65 * 1024) } }));
    const [code] = await big.closed;
    expect(code).toBe(1009);
    other.ws.send('{"action":"ping"}');
    expect(await other.nextJson()).toEqual({ action: 'pong', payload: null });
    other.ws.close();
  });
});

describe('the runtime behind generated code', () => {
  class Failing extends SystemConsumer {
    override onUserMessage(message: M.UserMessage): M.SystemEchoMessage {
      throw new Error(`secret detail ${message.payload.message}`);
    }
  }
  class Slow extends SystemConsumer {
    override async onUserMessage(message: M.UserMessage, ctx: SystemContext): Promise<M.SystemEchoMessage> {
      await new Promise((r) => setTimeout(r, Number(message.payload.message) % 7));
      return super.onUserMessage(message, ctx);
    }
  }
  class Grouped extends SystemConsumer {
    override onConnect(ctx: SystemContext): void {
      const room = new URL(ctx.request.url ?? '/', 'http://x').searchParams.get('room');
      if (room !== null) ctx.join(room);
    }
    override onUserMessage(message: M.UserMessage, ctx: SystemContext): M.SystemEchoMessage {
      ctx.broadcast({ action: 'system_echo', payload: { message: `room: ${message.payload.message}` } }, { excludeSelf: true });
      return super.onUserMessage(message, ctx);
    }
  }

  async function serve(Consumer: typeof SystemConsumer): Promise<{ url: string; close: () => Promise<void> }> {
    const s = createChanxServer([mount(systemChannel, Consumer)], { logger });
    const port = await s.listen(0, '127.0.0.1');
    return { url: `ws://127.0.0.1:${port}/ws/system`, close: () => s.close() };
  }

  it('turns a handler exception into a detail frame, logs the cause, and keeps the connection', async () => {
    const s = await serve(Failing);
    const client = await connect(s.url);
    expect(await client.next()).toBe(WELCOME);
    client.ws.send('{"action":"user_message","payload":{"message":"boom"}}');
    expect(await client.nextJson()).toEqual({ action: 'error', payload: { detail: 'Failed to process message for user_message' } });
    expect(logged.some((l) => l.includes('secret detail boom'))).toBe(true);
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    client.ws.close();
    await s.close();
  });

  it('keeps replies in request order when handlers are asynchronous', async () => {
    const s = await serve(Slow);
    const client = await connect(s.url);
    expect(await client.next()).toBe(WELCOME);
    for (let i = 0; i < 50; i++) client.ws.send(JSON.stringify({ action: 'user_message', payload: { message: String(i) } }));
    for (let i = 0; i < 50; i++) expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: `🔧 System Echo: ${i}` } });
    client.ws.close();
    await s.close();
  });

  it('broadcasts to the members of a group and no one else', async () => {
    const s = await serve(Grouped);
    const sender = await connect(`${s.url}?room=a`);
    const member = await connect(`${s.url}?room=a`);
    const outsider = await connect(`${s.url}?room=b`);
    const loner = await connect(s.url);
    sender.ws.send('{"action":"user_message","payload":{"message":"hi"}}');
    expect(await sender.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System Echo: hi' } });
    expect(await member.nextJson()).toEqual({ action: 'system_echo', payload: { message: 'room: hi' } });
    expect(await quietFor(outsider, 150)).toEqual([]);
    expect(await quietFor(loner, 0)).toEqual([]);
    expect(sender.pending()).toEqual([]);
    for (const c of [sender, member, outsider, loner]) c.ws.close();
    await s.close();
  });

  it('turns a reply JSON cannot express into a detail frame, sync or async, and keeps going', async () => {
    class Circular extends SystemConsumer {
      override onPing(): M.PongMessage {
        const reply = { action: 'pong', payload: null } as M.PongMessage & { self?: unknown };
        reply.self = reply;
        return reply;
      }
      override async onUserMessage(): Promise<M.SystemEchoMessage> {
        return { action: 'system_echo', payload: { message: 10n as unknown as string } };
      }
    }
    const s = await serve(Circular);
    const client = await connect(s.url);
    expect(await client.next()).toBe(WELCOME);
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'error', payload: { detail: 'Failed to process message for ping' } });
    client.ws.send('{"action":"user_message","payload":{"message":"x"}}');
    expect(await client.nextJson()).toEqual({ action: 'error', payload: { detail: 'Failed to process message for user_message' } });
    client.ws.send('{"action":"ping","payload":5}');
    expect(await client.nextJson()).toMatchObject({ action: 'error', payload: [{ type: 'none_required' }] });
    client.ws.close();
    await s.close();
  });

  it('closes only the connection whose consumer cannot be made, with 1011', async () => {
    let made = 0;
    class Fragile extends SystemConsumer {
      constructor() {
        super();
        if (++made === 1) throw new Error('no database');
      }
    }
    const s = await serve(Fragile);
    const first = await connect(s.url);
    expect(await first.closed).toEqual([1011, 'Internal error']);
    expect(logged.some((l) => l.includes('could not start a connection') && l.includes('no database'))).toBe(true);
    const second = await connect(s.url);
    expect(await second.next()).toBe(WELCOME);
    second.ws.close();
    await s.close();
  });

  it('takes frames up to 1 MiB by default and closes on a larger one with 1009', async () => {
    const s = await serve(SystemConsumer);
    const client = await connect(s.url);
    expect(await client.next()).toBe(WELCOME);
    const envelope = JSON.stringify({ action: 'user_message', payload: { message: '' } });
    const fits = 'x'.repeat(1024 * 1024 - envelope.length);
    client.ws.send(JSON.stringify({ action: 'user_message', payload: { message: fits } }));
    expect(((await client.nextJson()) as { payload: { message: string } }).payload.message).toHaveLength('🔧 System Echo: '.length + fits.length);
    client.ws.send(JSON.stringify({ action: 'user_message', payload: { message: `${fits}x` } }));
    expect((await client.closed)[0]).toBe(1009);
    await s.close();
  });

  it('close() ends open connections with 1001', async () => {
    const s = await serve(SystemConsumer);
    const client = await connect(s.url);
    await s.close();
    expect((await client.closed)[0]).toBe(1001);
  });
});
