/**
 * A connection closed for sending too much (the rate limit) is not read again: the megabyte of
 * frames a flood has in flight when the server decides stays unread (ws would parse it all in one
 * turn of the event loop only to drop it), and the server ends the connection once its 1008 is out.
 */
import type { Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { connect } from '../helpers/ws-client.js';
import { onSocketWrite, serve, WELCOME, type Served } from './serve.js';

/** The bytes the server reads from each connection's socket, and whether it ended its side. */
const read: number[] = [];
const ended: boolean[] = [];
class Counted extends SystemConsumer {
  override onConnect(ctx: SystemContext): void {
    super.onConnect(ctx);
    const i = read.push(0) - 1;
    ended[i] = false;
    const socket = ctx.request.socket as Socket;
    socket.on('data', (chunk: Buffer) => void (read[i]! += chunk.length));
    socket.on('finish', () => void (ended[i] = true)); // end(), not the grace's terminate (which emits no finish)
  }
}

let s: Served | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

it('stops reading a flooder once it closes it for the rate limit, and ends the connection itself after the 1008', async () => {
  s = await serve(Counted, { rateLimit: '10/s,burst=3,close=1s' });
  const c = await connect(s.url);
  expect(await c.next()).toBe(WELCOME);
  const frame = JSON.stringify({ action: 'system_echo', payload: { message: 'x'.repeat(64) } });
  const count = 20_000;
  for (let i = 0; i < count; i++) c.ws.send(frame);
  const [code, reason] = await c.closed;
  expect([code, reason]).toEqual([1008, 'Rate limit exceeded']);
  expect(ended[0]).toBe(true);
  await new Promise((r) => setTimeout(r, 200));
  // 13 frames were enough to decide (3 handled, 10 refused); what was read past them is at most the
  // socket's chunks in flight at that moment, a small part of the flood (2.4 MB; all of it was read before).
  const sent = count * (frame.length + 8);
  expect(read[0]).toBeGreaterThan(13 * frame.length);
  expect(read[0]).toBeLessThan(sent / 4);
});

it('answers a run of refusals in one write, each with its ref', async () => {
  // One frame is taken (burst 1) and handled in a turn of its own; the 49 behind it are refused, and
  // their answers run one after another once it is done: a write or two for all of them (one per read), not 49.
  let writes = 0;
  class Watched extends SystemConsumer {
    override onConnect(ctx: SystemContext): void {
      super.onConnect(ctx);
      onSocketWrite(ctx.request.socket as Socket, () => writes++);
    }
  }
  s = await serve(Watched, { rateLimit: '1/s,burst=1,close=60s' });
  const c = await connect(s.url);
  expect(await c.next()).toBe(WELCOME);
  const before = writes;
  for (let i = 0; i < 50; i++) c.ws.send(JSON.stringify({ action: 'ping', ref: `p${i}` }));
  const replies: { action: string; ref: string }[] = [];
  for (let i = 0; i < 50; i++) replies.push((await c.nextJson()) as { action: string; ref: string });
  expect(replies.map((r) => `${r.action} ${r.ref}`)).toEqual(['pong p0', ...Array.from({ length: 49 }, (_, i) => `error p${i + 1}`)]);
  expect(writes - before).toBeLessThanOrEqual(5);
  c.ws.close();
});

/**
 * What happens on one connection's server side, in order: `read` (the socket's 'data', after ws's own
 * listener), `write` (a write to the kernel), `handled` (a ping or user_message handler) and `between`
 * (an immediate the user_message handler schedules).
 */
const marks: string[] = [];
class Marked extends SystemConsumer {
  override onConnect(ctx: SystemContext): void {
    super.onConnect(ctx);
    const socket = ctx.request.socket as Socket;
    socket.on('data', () => marks.push('read'));
    onSocketWrite(socket, () => marks.push('write'));
  }
  override onUserMessage(message: M.UserMessage, ctx: SystemContext): M.SystemEchoMessage {
    marks.push('handled');
    setImmediate(() => marks.push('between'));
    return super.onUserMessage(message, ctx);
  }
  override onPing(message: M.PingMessage, ctx: SystemContext): M.PongMessage {
    marks.push('handled');
    return super.onPing(message, ctx);
  }
}
const without = (mark: string): string[] => marks.filter((m) => m !== mark);

it('answers a run of refusals in a turn of its own, not in the turn of the handled frame before it', async () => {
  // A handled frame's turn may be long (a broadcast to thousands): what is waiting for the event loop
  // (other connections' frames, here an immediate the handler scheduled) comes before the refusals.
  s = await serve(Marked, { rateLimit: '1/s,burst=1,close=60s' });
  const c = await connect(s.url);
  expect(await c.next()).toBe(WELCOME);
  marks.length = 0;
  c.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'hi' } }));
  for (let i = 0; i < 5; i++) c.ws.send(JSON.stringify({ action: 'ping', ref: `p${i}` }));
  for (let i = 0; i < 6; i++) await c.next();
  // The echo leaves in the handled frame's turn; the immediate runs; then the refusals, in one write.
  expect(without('read')).toEqual(['handled', 'write', 'between', 'write']);
  c.ws.close();
});

it('serves a connection well under its rate limit at once, as without a limit; one that has spent some of its burst waits a turn', async () => {
  // A full bucket: the frame is handled in the read that brought it (before the socket's later 'data'
  // listeners run). Once part of the burst is spent, each frame waits for a turn of its own.
  s = await serve(Marked, { rateLimit: '1/s,burst=5' });
  const c = await connect(s.url);
  expect(await c.next()).toBe(WELCOME);
  const ping = async (): Promise<string[]> => {
    marks.length = 0;
    c.ws.send('{"action":"ping"}');
    await c.next();
    return without('write');
  };
  expect(await ping()).toEqual(['handled', 'read']);
  // A second later at the earliest is the bucket full again (1/s): this one waits a turn.
  expect(await ping()).toEqual(['read', 'handled']);
  c.ws.close();
});
