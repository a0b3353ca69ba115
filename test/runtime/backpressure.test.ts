/**
 * Issue 11 items 1-2: what one client can make the server hold. Inbound: reading pauses while
 * handlers are behind (observed as bytes the server has read), and a bound on queued frames.
 * Outbound: a peer that does not read is closed with 1008, once logged, and nobody else waits.
 */
import { expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { connect, quietFor } from '../helpers/ws-client.js';
import { gate, serve, until, WELCOME } from './serve.js';

const MiB = 1024 * 1024;

/** Joins 'room'; a user_message goes to every other member, and the sender hears 'sent'. */
const heard: string[] = [];
class Room extends SystemConsumer {
  override onConnect(ctx: SystemContext): void {
    ctx.join('room');
  }
  override onUserMessage(message: M.UserMessage, ctx: SystemContext): M.SystemEchoMessage {
    heard.push(message.payload.message.slice(0, 20));
    ctx.broadcast({ action: 'system_echo', payload: { message: message.payload.message } }, { excludeSelf: true });
    return { action: 'system_echo', payload: { message: 'sent' } };
  }
}

/** Sends broadcasts of 256 KiB through `sender` until the server logs something (at most 40 MiB); returns how many. */
async function flood(s: Awaited<ReturnType<typeof serve>>, sender: Awaited<ReturnType<typeof connect>>): Promise<number> {
  const chunk = 'y'.repeat(256 * 1024);
  let rounds = 0;
  // More than loopback's socket buffers hold, paced by the sender's replies.
  while (s.logged.length === 0 && rounds < 160) {
    sender.ws.send(JSON.stringify({ action: 'user_message', payload: { message: chunk } }));
    expect(await sender.nextJson()).toEqual({ action: 'system_echo', payload: { message: 'sent' } });
    rounds++;
  }
  return rounds;
}

it('stops reading a connection while its handlers are behind, then answers every frame in order', async () => {
  const held = gate();
  let socket: Socket | undefined;
  class Blocked extends SystemConsumer {
    override onConnect(ctx: SystemContext): void {
      socket = ctx.request.socket as Socket;
      super.onConnect(ctx);
    }
    override async onUserMessage(message: M.UserMessage): Promise<M.SystemEchoMessage> {
      await held.promise;
      return { action: 'system_echo', payload: { message: String(message.payload.message.length) } };
    }
  }
  const s = await serve(Blocked, { keepUpgradeRequest: true });
  const client = await connect(s.url);
  expect(await client.next()).toBe(WELCOME);
  const frames = 1500;
  const body = 'x'.repeat(16 * 1024);
  for (let i = 0; i < frames; i++) client.ws.send(JSON.stringify({ action: 'user_message', payload: { message: `${i}:${body}` } }));
  const sent = frames * (body.length + 50);
  // Until what the server has read stops growing (a server that kept reading takes all 24 MiB).
  let read = -1;
  for (let i = 0; i < 30 && socket!.bytesRead !== read; i++) {
    read = socket!.bytesRead;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(read).toBeLessThan(sent / 10);
  // TCP holds what the server does not read: the client's own buffer stops draining.
  expect(client.ws.bufferedAmount).toBeGreaterThan(sent / 2);
  held.open();
  for (let i = 0; i < frames; i++)
    expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: String(`${i}:`.length + body.length) } });
  expect(s.logged).toEqual([]);
  client.ws.close();
  await s.close();
});

it('closes with 1008, logged once, a connection with more frames queued than maxQueuedFrames', async () => {
  const held = gate();
  class Blocked extends SystemConsumer {
    override async onUserMessage(message: M.UserMessage, ctx: SystemContext): Promise<M.SystemEchoMessage> {
      await held.promise;
      return super.onUserMessage(message, ctx);
    }
  }
  const s = await serve(Blocked, { maxQueuedFrames: 10 });
  const client = await connect(s.url);
  expect(await client.next()).toBe(WELCOME);
  const socket = (client.ws as unknown as { _socket: Socket })._socket;
  socket.cork(); // one TCP write: the frames reach the server in one read, before reading can pause
  for (let i = 0; i < 50; i++) client.ws.send('{"action":"user_message","payload":{"message":"m"}}');
  socket.uncork();
  expect(await client.closed).toEqual([1008, 'Too many queued frames']);
  expect(s.logged.filter((l) => l.includes('maxQueuedFrames'))).toEqual([
    expect.stringMatching(/^\/ws\/system: connection \S+ closed \(1008\): more than maxQueuedFrames \(10\) frames wait behind its handlers$/),
  ]);
  held.open();
  const other = await connect(s.url);
  expect(await other.next()).toBe(WELCOME);
  other.ws.close();
  await s.close();
});

it('closes with 1008 a member that does not read its broadcasts; sender and other members never wait', async () => {
  const s = await serve(Room, { maxBufferedBytes: MiB });
  const stalled = await connect(s.url);
  const reader = await connect(s.url);
  const sender = await connect(s.url);
  stalled.ws.pause(); // never reads: its TCP buffers fill, then the server's
  let received = 0;
  reader.ws.on('message', () => received++);
  const rounds = await flood(s, sender);
  // Sent after the server gave up on it: taken off the wire with the close frame, never handled.
  heard.length = 0;
  stalled.ws.send('{"action":"user_message","payload":{"message":"after-close"}}');
  stalled.ws.resume(); // to read what was flushed, then the close frame
  await until(() => received === rounds, 10_000, 'the reading member got every broadcast');
  expect(await stalled.closed).toEqual([1008, 'Outbound buffer limit exceeded']);
  expect(s.logged).toEqual([
    expect.stringMatching(
      /^\/ws\/system: connection \S+ closed \(1008\): \d+ bytes wait to be sent, over maxBufferedBytes \(1048576\): the peer does not read$/,
    ),
  ]);
  await until(() => s.server.groups.size('room') === 2, 2000, 'the closed member left its group');
  expect(heard).toEqual([]);
  expect(await quietFor(sender, 0)).toEqual([]);
  for (const c of [reader, sender]) c.ws.close();
  await s.close();
});

it('cuts a member closed for its backlog that never answers the close, after the grace', async () => {
  const s = await serve(Room, { maxBufferedBytes: MiB });
  const stalled = await connect(s.url);
  const sender = await connect(s.url);
  stalled.ws.pause(); // reads nothing, so never sees the close frame
  await flood(s, sender);
  expect(s.server.groups.size('room')).toBe(2);
  await until(() => s.server.groups.size('room') === 1, 5000, 'the stalled member cut and out of its group');
  expect(s.logged).toHaveLength(1);
  sender.ws.close();
  stalled.ws.terminate();
  await s.close();
});

it('pauses reading from a peer that is slow to read its replies, and neither closes it nor loses a reply', async () => {
  let handled = 0;
  class Big extends SystemConsumer {
    override onUserMessage(message: M.UserMessage): M.SystemEchoMessage {
      handled++;
      return { action: 'system_echo', payload: { message: message.payload.message.repeat(100 * 1024) } };
    }
  }
  // 100 replies of 100 KiB: 10 MiB, five times the limit, if the server kept reading requests.
  const s = await serve(Big, { maxBufferedBytes: 2 * MiB });
  const client = await connect(s.url);
  expect(await client.next()).toBe(WELCOME);
  client.ws.pause();
  const requests = 100;
  // One at a time, as a client waiting on user input would: each reaches the server in its own read.
  for (let i = 0; i < requests; i++) {
    client.ws.send(JSON.stringify({ action: 'user_message', payload: { message: String(i % 10) } }));
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 100));
  // Reading stopped long before the replies could pass maxBufferedBytes.
  expect(handled).toBeLessThan(requests);
  client.ws.resume();
  await until(() => client.pending().length === requests, 10_000, 'every reply');
  const digits = client.pending().map((f) => (JSON.parse(f) as M.SystemEchoMessage).payload.message[0]);
  expect(digits).toEqual(Array.from({ length: requests }, (_, i) => String(i % 10)));
  expect(s.logged).toEqual([]);
  expect(client.ws.readyState).toBe(client.ws.OPEN);
  client.ws.close();
  await s.close();
});

it('waits for one drain however many frames pile up for a slow member: no listener piles up with them', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => void warnings.push(w);
  process.on('warning', onWarning);
  const s = await serve(Room, { maxBufferedBytes: 64 * MiB });
  const slow = await connect(s.url);
  const sender = await connect(s.url);
  slow.ws.pause();
  let received = 0;
  slow.ws.on('message', () => received++);
  // 8 MiB of broadcasts: more than loopback's buffers take, so most of them wait on the server.
  const rounds = 80;
  for (let i = 0; i < rounds; i++) {
    sender.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'z'.repeat(100 * 1024) } }));
    expect(await sender.nextJson()).toEqual({ action: 'system_echo', payload: { message: 'sent' } });
  }
  slow.ws.resume();
  await until(() => received === rounds, 10_000, 'the slow member got every broadcast');
  process.off('warning', onWarning);
  expect(warnings.map((w) => w.name)).toEqual([]);
  expect(s.logged).toEqual([]);
  for (const c of [slow, sender]) c.ws.close();
  await s.close();
});
