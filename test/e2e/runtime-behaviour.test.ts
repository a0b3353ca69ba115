/**
 * What a user of the runtime relies on, each pinned by a test that a small bug would break (the
 * survivors of issue 14's planted bugs): groups are left when a connection closes, onDisconnect
 * runs, a throwing onConnect is logged and the connection still works, an async handler's rejection
 * is answered with the error frame, fixed addresses win over parameterised ones, a broadcast reaches
 * each connection once, path parameters arrive decoded, plain HTTP gets 404 or 426 as it should,
 * and a failure on a channel without a discriminator is tagged with the channel's key.
 * Everything goes through the public API over real sockets on 127.0.0.1.
 */
import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createChanxServer, mount, type ChanxServer, type Route } from 'chanx-gen/runtime';
import { roomChatChannel } from '../fixtures/room-chat/expected/room_chat/router.js';
import { RoomChatConsumer } from '../fixtures/room-chat/expected/room_chat/consumer.js';
import type { RoomChatContext } from '../fixtures/room-chat/expected/room_chat/handlers.js';
import type * as M from '../fixtures/room-chat/expected/room_chat/messages.js';
import { commandsChannel } from '../fixtures/no-discriminator/expected/commands/router.js';
import { CommandsConsumer } from '../fixtures/no-discriminator/expected/commands/consumer.js';
import { connect, quietFor, upgradeStatus, type Recorder } from '../helpers/ws-client.js';

const logged: string[] = [];
const logger = { error: (message: string) => void logged.push(message) };
const events: string[] = [];
let server: ChanxServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  logged.length = 0;
  events.length = 0;
});

async function serve(...routes: Route[]): Promise<string> {
  server = createChanxServer(routes, { logger });
  return `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
}

/** Waits until `test` holds (the server side runs after the client's close), at most 2 s. */
async function until(test: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !test(); waited += 5) {
    if (waited > 2000) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const note = (room: string, message: string): M.RoomNotificationMessage => ({ action: 'room_notification', payload: { message, room_name: room } });
/** A note as the client gets it: the defaults its schema declares filled in (`is_mine`), as pydantic does in Chanx. */
const sent = (room: string, message: string) => ({ action: 'room_notification', payload: { message, room_name: room, is_mine: false } });

/** Joins the groups its room name lists (`a+b`), says so, and broadcasts chat to them. */
class Rooms extends RoomChatConsumer {
  onConnect(ctx: RoomChatContext): void {
    for (const group of ctx.params.room_name.split('+')) ctx.join(group);
    ctx.send(note(ctx.params.room_name, 'joined'));
  }
  override onRoomChat(message: M.RoomChatMessage, ctx: RoomChatContext): void {
    ctx.broadcast(note(ctx.params.room_name, message.payload.message), { excludeSelf: true });
  }
  onDisconnect(ctx: RoomChatContext): void {
    events.push(`disconnect ${ctx.params.room_name} groups=${[...ctx.groups].join(',')}`);
  }
}

async function joined(base: string, room: string): Promise<Recorder> {
  const client = await connect(`${base}/ws/room/${room}`);
  expect(await client.nextJson()).toEqual(sent(decodeURIComponent(room), 'joined'));
  return client;
}

describe('connection lifecycle', () => {
  it('leaves every group when a connection closes, then runs onDisconnect', async () => {
    const base = await serve(mount(roomChatChannel, Rooms));
    const stays = await joined(base, 'a');
    const goes = await joined(base, 'a+b');
    expect([server!.groups.size('a'), server!.groups.size('b')]).toEqual([2, 1]);
    goes.ws.close();
    await until(() => events.length > 0, 'onDisconnect');
    expect(events).toEqual(['disconnect a+b groups=']);
    expect([server!.groups.size('a'), server!.groups.size('b')]).toEqual([1, 0]);
    stays.ws.close();
    await until(() => events.length > 1, 'second onDisconnect');
    expect(server!.groups.size('a')).toBe(0);
  });

  it('logs a throwing onConnect, and the connection still answers', async () => {
    class Throws extends RoomChatConsumer {
      onConnect(): void {
        throw new Error('no database');
      }
    }
    const base = await serve(mount(roomChatChannel, Throws));
    const client = await connect(`${base}/ws/room/x`);
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('onConnect');
    expect(logged[0]).toContain('no database');
    client.ws.close();
  });

  it('logs a rejecting async onConnect as well', async () => {
    class Rejects extends RoomChatConsumer {
      async onConnect(): Promise<void> {
        throw new Error('late failure');
      }
    }
    const base = await serve(mount(roomChatChannel, Rejects));
    const client = await connect(`${base}/ws/room/x`);
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    expect(logged.join('\n')).toMatch(/onConnect[\s\S]*late failure/);
    client.ws.close();
  });
});

describe('closing from a handler', () => {
  class Closer extends RoomChatConsumer {
    override onRoomChat(message: M.RoomChatMessage, ctx: RoomChatContext): void {
      if (message.payload.message === 'plain') ctx.close();
      else ctx.close(4001, message.payload.message);
    }
  }
  it.each([
    ['plain', 1000, ''],
    ['go away', 4001, 'go away'],
  ])('ctx.close() for %j closes with %i and reason %j', async (text, code, reason) => {
    const base = await serve(mount(roomChatChannel, Closer));
    const client = await connect(`${base}/ws/room/r`);
    client.ws.send(JSON.stringify({ action: 'room_chat', payload: { message: text } }));
    expect(await client.closed).toEqual([code, reason]);
  });
});

describe('handler failures', () => {
  it("answers an async handler's rejection with the error frame, logs it, and keeps going", async () => {
    class Slow extends RoomChatConsumer {
      override async onShape(): Promise<M.RoomNotificationMessage> {
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('shape store down');
      }
    }
    const base = await serve(mount(roomChatChannel, Slow));
    const client = await connect(`${base}/ws/room/x`);
    client.ws.send(JSON.stringify({ action: 'shape', payload: { kind: 'circle', radius: 1 } }));
    client.ws.send('{"action":"ping"}');
    const first = await client.nextJson();
    expect(first).toEqual({ action: 'error', payload: { detail: 'Failed to process message for shape' } });
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    expect(logged.join('\n')).toContain('shape store down');
    client.ws.close();
  });

  it("tags a failure on a channel without a discriminator with the channel's key", async () => {
    const base = await serve(mount(commandsChannel, CommandsConsumer));
    const client = await connect(`${base}/commands`);
    client.ws.send('{"dx":1,"dy":2}');
    expect(await client.nextJson()).toEqual({ action: 'error', payload: { detail: 'Failed to process message for commands' } });
    expect(logged.join('\n')).toContain('not implemented: CommandsConsumer.onMove');
    client.ws.close();
  });

  it('answers topic frames on a channel without a discriminator or topics as Chanx does, by their action', async () => {
    const base = await serve(mount(commandsChannel, CommandsConsumer));
    const client = await connect(`${base}/commands`);
    client.ws.send('{"action":"subscribe","topic":"t"}');
    expect(await client.nextJson()).toEqual({ action: 'error', payload: { reason: 'unknown_topic', detail: "Unknown topic 't'" }, version: 1, topic: 't' });
    client.ws.send('{"dx":1,"topic":"t"}');
    expect(await client.nextJson()).toEqual({
      action: 'error',
      payload: { reason: 'not_subscribed', detail: "Not subscribed to 't'" },
      version: 1,
      topic: 't',
    });
    client.ws.close();
  });
});

describe('broadcast', () => {
  it('reaches a connection in several of the target groups once', async () => {
    const base = await serve(mount(roomChatChannel, Rooms));
    const both = await joined(base, 'a+b');
    const sender = await joined(base, 'b+a');
    sender.ws.send(JSON.stringify({ action: 'room_chat', payload: { message: 'hi all' } }));
    expect(await both.nextJson()).toEqual(sent('b+a', 'hi all'));
    expect(await quietFor(both, 100)).toEqual([]);
    expect(sender.pending()).toEqual([]);
    both.ws.close();
    sender.ws.close();
  });
});

describe('addresses', () => {
  class Lobby extends RoomChatConsumer {
    onConnect(ctx: RoomChatContext): void {
      ctx.send(note('lobby', 'the fixed lobby'));
    }
  }
  const lobbyChannel = { ...roomChatChannel, key: 'lobby', address: '/ws/room/lobby' };

  it.each([
    ['parameterised first', () => [mount(roomChatChannel, Rooms), mount(lobbyChannel, Lobby)]],
    ['fixed first', () => [mount(lobbyChannel, Lobby), mount(roomChatChannel, Rooms)]],
  ])('tries a fixed address before a parameterised one that also matches (%s)', async (_order, routes) => {
    const base = await serve(...routes());
    const lobby = await connect(`${base}/ws/room/lobby`);
    expect(await lobby.nextJson()).toEqual(sent('lobby', 'the fixed lobby'));
    const other = await connect(`${base}/ws/room/kitchen`);
    expect(await other.nextJson()).toEqual(sent('kitchen', 'joined'));
    lobby.ws.close();
    other.ws.close();
  });

  it.each([
    ['a%20b', 'a b'],
    ['caf%C3%A9', 'café'],
    ['50%25%2B', '50%+'],
  ])('hands the consumer path parameters URL-decoded (%s)', async (raw, decoded) => {
    const base = await serve(mount(roomChatChannel, Rooms));
    const client = await connect(`${base}/ws/room/${raw}`);
    expect(await client.nextJson()).toEqual(sent(decoded, 'joined'));
    client.ws.close();
  });

  function plainGet(url: string): Promise<{ status: number; upgrade: string | undefined }> {
    return new Promise((resolve, reject) => {
      request(url.replace('ws://', 'http://'), (res) => {
        res.resume();
        resolve({ status: res.statusCode!, upgrade: res.headers.upgrade });
      })
        .on('error', reject)
        .end();
    });
  }

  it('answers plain HTTP with 426 (upgrade: websocket) on a channel address and 404 elsewhere', async () => {
    const base = await serve(mount(roomChatChannel, Rooms));
    expect(await plainGet(`${base}/ws/room/kitchen`)).toEqual({ status: 426, upgrade: 'websocket' });
    expect(await plainGet(`${base}/ws/nowhere`)).toEqual({ status: 404, upgrade: undefined });
    expect(await upgradeStatus(`${base}/ws/nowhere`)).toBe(404);
  });

  it('answers 404 to a request whose target is no URL at all, plain or upgrade, and goes on serving', async () => {
    const base = await serve(mount(roomChatChannel, Rooms));
    const port = Number(new URL(base).port);
    const upgrade = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    expect(await statusLine(port, 'GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 404 Not Found');
    expect(await statusLine(port, `GET //[x HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`)).toBe('HTTP/1.1 404 Not Found');
    expect(await statusLine(port, `GET * HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`)).toBe('HTTP/1.1 404 Not Found');
    const client = await joined(base, 'after');
    client.ws.close();
  });

  it('matches the path as sent, as ws does: never resolved as a URL, so no other path reaches a channel', async () => {
    const base = await serve(mount(roomChatChannel, Rooms));
    const port = Number(new URL(base).port);
    const upgrade = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    const answers: Record<string, [string, string]> = {};
    for (const target of ['/ws/room/kitchen?x=/y', '//evil/ws/room/kitchen', '/ws/x/../room/kitchen', '/ws/room/./kitchen', 'http://x/ws/room/kitchen']) {
      answers[target] = [
        await statusLine(port, `GET ${target} HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`),
        await statusLine(port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`),
      ];
    }
    expect(answers).toEqual({
      '/ws/room/kitchen?x=/y': ['HTTP/1.1 101 Switching Protocols', 'HTTP/1.1 426 Upgrade Required'],
      '//evil/ws/room/kitchen': ['HTTP/1.1 404 Not Found', 'HTTP/1.1 404 Not Found'],
      '/ws/x/../room/kitchen': ['HTTP/1.1 404 Not Found', 'HTTP/1.1 404 Not Found'],
      '/ws/room/./kitchen': ['HTTP/1.1 404 Not Found', 'HTTP/1.1 404 Not Found'],
      'http://x/ws/room/kitchen': ['HTTP/1.1 404 Not Found', 'HTTP/1.1 404 Not Found'],
    });
  });
});

/** The status line the server answers a raw HTTP request with. */
function statusLine(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => socket.write(raw));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk;
      if (data.includes('\r\n')) {
        resolve(data.split('\r\n')[0]!);
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}
