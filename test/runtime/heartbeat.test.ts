/** Issue 11 item 3: a peer that stops answering pings is terminated and runs onDisconnect; live ones stay. */
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { connect, quietFor } from '../helpers/ws-client.js';
import { serve, until, WELCOME } from './serve.js';

const gone: string[] = [];
class Tracked extends SystemConsumer {
  private who = '?';
  override onConnect(ctx: SystemContext): void {
    this.who = new URL(ctx.request.url ?? '/', 'http://x').searchParams.get('who') ?? '?';
    super.onConnect(ctx);
  }
  onDisconnect(): void {
    gone.push(this.who);
  }
  override async onUserMessage(message: M.UserMessage, ctx: SystemContext): Promise<M.SystemEchoMessage> {
    await new Promise((r) => setTimeout(r, Number(message.payload.message)));
    return super.onUserMessage(message, ctx);
  }
}

it('terminates a silent peer, runs its onDisconnect, and keeps live and merely busy ones', async () => {
  const interval = 100;
  const s = await serve(Tracked, { heartbeatIntervalMs: interval });
  const silent = await connect(`${s.url}?who=silent`);
  const live = await connect(`${s.url}?who=live`);
  const busy = await connect(`${s.url}?who=busy`);
  for (const c of [silent, live, busy]) expect(await c.next()).toBe(WELCOME);
  silent.ws.pause(); // reads nothing, so answers no ping
  // The busy peer's frames wait behind a handler slower than several intervals: reading pauses, its
  // pongs go unread, but the server is the slow side, so it must not be cut for that.
  busy.ws.send('{"action":"user_message","payload":{"message":"600"}}');
  busy.ws.send('{"action":"user_message","payload":{"message":"0"}}');
  await until(() => gone.includes('silent'), 3000, 'the silent peer terminated');
  expect(s.logged).toHaveLength(1);
  expect(s.logged[0]).toMatch(/^\/ws\/system: connection \S+ terminated: no pong since the last heartbeat$/);
  expect(await busy.nextJson()).toMatchObject({ action: 'system_echo' });
  expect(await busy.nextJson()).toMatchObject({ action: 'system_echo' });
  await quietFor(live, 5 * interval);
  expect(gone).toEqual(['silent']);
  live.ws.send('{"action":"ping"}');
  expect(await live.nextJson()).toEqual({ action: 'pong', payload: null });
  for (const c of [live, busy]) c.ws.close();
  await s.close();
});

it('leaves alone a connection that closed while its handler still runs: no "no pong" line for it', async () => {
  const interval = 50;
  let finished = false;
  class Slow extends SystemConsumer {
    override async onUserMessage(message: M.UserMessage, ctx: SystemContext): Promise<M.SystemEchoMessage> {
      await new Promise((r) => setTimeout(r, 8 * interval));
      finished = true;
      return super.onUserMessage(message, ctx);
    }
  }
  const s = await serve(Slow, { heartbeatIntervalMs: interval });
  const closer = await connect(s.url);
  expect(await closer.next()).toBe(WELCOME);
  closer.ws.send('{"action":"user_message","payload":{"message":"slow"}}');
  await new Promise((r) => setTimeout(r, interval / 2));
  closer.ws.close();
  await closer.closed;
  // The connection stays known to the server until its handler is done, several heartbeats later.
  await until(() => finished, 3000, 'the handler finished');
  expect(s.logged).toEqual([]);
  await s.close();
});

it('counts any frame from the peer as a sign of life, not only pongs', async () => {
  const interval = 200; // frames every 40 ms: room for a loaded machine's timers
  const s = await serve(SystemConsumer, { heartbeatIntervalMs: interval });
  // A peer that never answers pings (autoPong off) but keeps talking.
  const ws = new WebSocket(s.url, { autoPong: false });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  let pongs = 0;
  ws.on('message', (data) => void (String(data).includes('"pong"') && pongs++));
  await new Promise((resolve) => ws.once('open', resolve));
  for (let i = 0; i < 20; i++) {
    ws.send('{"action":"ping"}');
    await new Promise((r) => setTimeout(r, interval / 5));
  }
  expect([ws.readyState, s.logged]).toEqual([WebSocket.OPEN, []]);
  await until(() => pongs === 20, 2000, 'every ping answered');
  // Silent now, and still deaf to pings: cut, as any silent peer.
  expect(await closed).toBe(1006);
  expect(s.logged).toEqual([expect.stringMatching(/terminated: no pong since the last heartbeat$/)]);
  await s.close();
});

it.each([
  [0, 0],
  [50, 3],
])('heartbeatIntervalMs %i: at least %i pings in 300 ms (0: none)', async (interval, least) => {
  const s = await serve(SystemConsumer, { heartbeatIntervalMs: interval });
  const client = await connect(s.url);
  expect(await client.next()).toBe(WELCOME);
  let pings = 0;
  client.ws.on('ping', () => pings++);
  await quietFor(client, 300);
  if (least === 0) expect(pings).toBe(0);
  else expect(pings).toBeGreaterThanOrEqual(least);
  // And the connection is still there, answering.
  client.ws.send('{"action":"ping"}');
  expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
  expect(s.logged).toEqual([]);
  client.ws.close();
  await s.close();
});
