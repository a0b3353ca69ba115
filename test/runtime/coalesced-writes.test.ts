/**
 * The replies to the frames of one read leave in one socket write (outbound.ts, corkStretch), in
 * order; a stretch whose replies pass pauseReadingAtBytes (64 KiB) is written out as it goes, so
 * what waits unwritten stays small. Observed on the server's own socket: its reads ('data' events)
 * and its writes (the stream's _write and _writev, one syscall each).
 */
import type { Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { connect, type Recorder } from '../helpers/ws-client.js';
import { serve, WELCOME, type Served } from './serve.js';

const FRAMES = 20;
let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/**
 * Serves `Base` (its server-side socket kept from onConnect), connects one client past its welcome,
 * sends FRAMES user_messages in one write of the client's socket (one TCP segment on loopback), and
 * counts the server socket's reads and writes from just before.
 */
async function burst(Base: typeof SystemConsumer): Promise<{ client: Recorder; seen: { reads: number; writes: number } }> {
  let socket: Socket | undefined;
  class Spied extends Base {
    override onConnect(ctx: SystemContext): void {
      socket = ctx.request.socket as Socket;
      super.onConnect(ctx);
    }
  }
  served = await serve(Spied, { keepUpgradeRequest: true });
  const client = await connect(served.url);
  expect(await client.next()).toBe(WELCOME);
  const seen = count(socket!);
  const raw = (client.ws as unknown as { _socket: Socket })._socket;
  raw.cork();
  for (let i = 0; i < FRAMES; i++) client.ws.send(JSON.stringify({ action: 'user_message', payload: { message: `m${i}` } }));
  raw.uncork();
  return { client, seen };
}

/** Counts the socket's reads and writes from now on. */
function count(socket: Socket): { reads: number; writes: number } {
  const seen = { reads: 0, writes: 0 };
  socket.on('data', () => seen.reads++);
  const raw = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  for (const method of ['_write', '_writev'] as const) {
    const original = raw[method];
    raw[method] = function (this: unknown, ...args: unknown[]) {
      seen.writes++;
      return original.apply(this, args);
    };
  }
  return seen;
}

it('answers the frames of one read in one write, in order', async () => {
  const { client, seen } = await burst(SystemConsumer);
  for (let i = 0; i < FRAMES; i++) expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: `🔧 System Echo: m${i}` } });
  // Without the cork, every reply is a write of its own (20); with it, one per read.
  expect(seen.reads).toBeLessThan(FRAMES);
  expect(seen.writes).toBe(seen.reads);
  expect(served!.logged).toEqual([]);
});

it('writes a stretch out as it passes 64 KiB of replies, and answers every frame', async () => {
  const reply = 'z'.repeat(16 * 1024);
  class Large extends SystemConsumer {
    override onUserMessage(message: M.UserMessage): M.SystemEchoMessage {
      return { action: 'system_echo', payload: { message: `${message.payload.message}:${reply}` } };
    }
  }
  const { client, seen } = await burst(Large);
  for (let i = 0; i < FRAMES; i++) expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: `m${i}:${reply}` } });
  // 20 replies of 16 KiB from (about) one read: about 320 KiB, written every 64 KiB (4 replies) rather than in one piece.
  expect(seen.writes).toBeGreaterThanOrEqual(seen.reads + 3);
  expect(seen.writes).toBeLessThan(FRAMES);
  expect(served!.logged).toEqual([]);
});
