/**
 * Issue 11 item 4: close() and SIGTERM stop accepting, let in-flight handlers reply, close every
 * connection with 1001, leave every group and run onDisconnect.
 */
import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import { expect, it } from 'vitest';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import WebSocket from 'ws';
import { connect } from '../helpers/ws-client.js';
import { builtServer, spawnServer } from '../helpers/server-process.js';
import { gate, serve, WELCOME } from './serve.js';

/** Whether an upgrade to `url` is accepted now; a refused TCP connection counts as refused. */
function accepted(url: string): Promise<boolean> {
  const ws = new WebSocket(url);
  return new Promise((resolve) => {
    ws.on('open', () => {
      ws.terminate();
      resolve(true);
    });
    ws.on('error', () => resolve(false));
  });
}

it('close(): an in-flight handler replies before 1001; groups are left; onDisconnect runs; new upgrades are refused', async () => {
  const started = gate();
  const disconnected: string[] = [];
  class Slow extends SystemConsumer {
    override onConnect(ctx: SystemContext): void {
      ctx.join('room');
      super.onConnect(ctx);
    }
    override async onUserMessage(message: M.UserMessage, ctx: SystemContext): Promise<M.SystemEchoMessage> {
      started.open();
      await new Promise((r) => setTimeout(r, 200));
      return super.onUserMessage(message, ctx);
    }
    async onDisconnect(ctx: SystemContext): Promise<void> {
      await new Promise((r) => setTimeout(r, 20));
      disconnected.push(ctx.id);
    }
  }
  const s = await serve(Slow);
  const busy = await connect(s.url);
  const idle = await connect(s.url);
  for (const c of [busy, idle]) expect(await c.next()).toBe(WELCOME);
  expect(s.server.groups.size('room')).toBe(2);
  busy.ws.send('{"action":"user_message","payload":{"message":"finish me"}}');
  await started.promise;
  const closing = s.close();
  expect(await accepted(s.url)).toBe(false);
  expect(await busy.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System Echo: finish me' } });
  expect((await busy.closed)[0]).toBe(1001);
  expect((await idle.closed)[0]).toBe(1001);
  await closing;
  expect(disconnected).toHaveLength(2);
  expect(s.server.groups.size('room')).toBe(0);
});

it('close() gives up on a handler that never finishes after shutdownTimeoutMs, and still runs onDisconnect', async () => {
  let disconnected = 0;
  class Stuck extends SystemConsumer {
    onDisconnect(): void {
      disconnected++;
    }
    override onUserMessage(): Promise<M.SystemEchoMessage> {
      return new Promise(() => undefined);
    }
  }
  const s = await serve(Stuck, { shutdownTimeoutMs: 100 });
  const client = await connect(s.url);
  expect(await client.next()).toBe(WELCOME);
  client.ws.send('{"action":"user_message","payload":{"message":"x"}}');
  await new Promise((r) => setTimeout(r, 50));
  await s.close();
  expect((await client.closed)[0]).toBe(1001);
  expect(disconnected).toBe(1);
});

it('SIGTERM with 20 clients: each gets 1001 and the process exits 0', async () => {
  const { child, port } = await spawnServer([builtServer()]);
  const exited = once(child, 'exit');
  try {
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect(`ws://127.0.0.1:${port}/ws/system`)));
    for (const c of clients) expect(await c.next()).toBe(WELCOME);
    child.kill('SIGTERM');
    const codes = await Promise.all(clients.map((c) => c.closed.then(([code]) => code)));
    expect(codes).toEqual(Array(20).fill(1001));
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([0, null]);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/** The process's [code, signal] once it exited, or a line saying it still ran `ms` later. */
function exitWithin(exited: Promise<unknown[]>, ms: number): Promise<unknown[]> {
  const stuck = new Promise<string[]>((resolve) => setTimeout(() => resolve([`still running ${ms / 1000} s after SIGTERM`]), ms).unref());
  return Promise.race([exited, stuck]);
}

it('SIGTERM exits 0 when nothing reads its stdout and stderr any more (the reader of its pipes gone)', async () => {
  const { child } = await spawnServer([builtServer()]);
  const exited = once(child, 'exit');
  try {
    // As when the supervisor or shell that started it exits: its ends of the pipes close, and the
    // server's last log lines (shutting down, with no client to wait for) meet a broken pipe.
    child.stdout.destroy();
    child.stderr.destroy();
    child.kill('SIGTERM');
    expect(await exitWithin(exited, 15_000)).toEqual([0, null]);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}, 30_000);

it('SIGTERM exits when the reader of its stderr stopped reading (a full pipe): the lines it does not take are given up', async () => {
  const { child, port } = await spawnServer([builtServer()], { LOG_LEVEL: 'debug' });
  const exited = once(child, 'exit');
  try {
    // A supervisor that hangs: it keeps the pipe open and reads nothing more, so a line per frame fills it.
    child.stderr.pause();
    const client = await connect(`ws://127.0.0.1:${port}/ws/system`);
    expect(await client.next()).toBe(WELCOME);
    const frames = 10_000;
    for (let i = 0; i < frames; i++) client.ws.send('{"action":"ping"}');
    for (let i = 0; i < frames; i++) await client.next();
    child.kill('SIGTERM');
    expect(await exitWithin(exited, 15_000)).toEqual([0, null]);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}, 40_000);

it('answers 503 to an upgrade that arrives on an open socket once close() began', async () => {
  const s = await serve();
  const port = Number(new URL(s.url).port);
  const socket = connectTcp(port, '127.0.0.1');
  await once(socket, 'connect');
  const closing = s.close();
  socket.write(
    `GET /ws/system HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.alloc(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let response = '';
  socket.on('data', (d) => (response += d));
  await once(socket, 'close');
  expect(response.split('\r\n')[0]).toBe('HTTP/1.1 503 Service Unavailable');
  await closing;
});
