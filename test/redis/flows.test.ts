/**
 * Multi-client flows with completion frames on (issue 22), on one process and across two servers
 * sharing a real redis-server. What each client should see is written from Chanx 2.10's source
 * (chanx/core/websocket.py: handle_json sends `complete` after the handler's task; each group
 * message a consumer receives is followed by `group_complete`; each event's frames by
 * `event_complete`), with the sender's order made deterministic: its reply, `complete`, then its own
 * copy of its broadcast and that copy's `group_complete` (DESIGN §4).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLayer, type ChanxServer, type ChannelDefinition } from 'chanx-gen/runtime';
import { redisRunnable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { quietFor } from '../helpers/ws-client.js';
import { buildApp } from './app.js';
import { frames, joinRoom, said, subscribers, type Member } from './wait.js';

const C = { action: 'complete', payload: null };
const G = { action: 'group_complete', payload: null };
const E = { action: 'event_complete', payload: null };
const notice = (text: string) => ({ action: 'notice', payload: { text } });

type Room = ChannelDefinition<unknown, { action: string; payload: unknown }, unknown>;
interface Setup {
  /** Where clients of the first and the second process connect (the same server on one process). */
  bases: [string, string];
  servers: ChanxServer[];
  room: Room;
  /** Waits until `count` processes listen to `group` (nothing to wait for in one process). */
  listening(group: string, count: number): Promise<void>;
}

/** The flows, run on each setup: `members` in one room, split over the two processes. */
function flows(kind: string, setup: () => Setup): void {
  const join = async (room: string, processes: (0 | 1)[]): Promise<Member[]> => {
    const { bases, listening } = setup();
    const members: Member[] = [];
    for (const p of processes) members.push(await joinRoom(bases[p], room));
    await listening(`room:${room}`, new Set(processes).size);
    return members;
  };
  const done = async (members: Member[]): Promise<void> => {
    for (const m of members) expect(await quietFor(m.rec, 0)).toEqual([]);
    await quietFor(members[0]!.rec, 120);
    for (const m of members) {
      expect(m.rec.pending()).toEqual([]);
      m.rec.ws.close();
    }
  };

  it(`${kind}: a broadcast to the sender's own room: complete, then its copy and group_complete; others get the copy and group_complete`, async () => {
    const [a, b, c] = await join('own', [0, 1, 0]);
    a!.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'hi' } }));
    expect(await frames(a!.rec, 3)).toEqual([C, said('hi', a!.id), G]);
    for (const m of [b!, c!]) expect(await frames(m.rec, 2)).toEqual([said('hi', a!.id), G]);
    await done([a!, b!, c!]);
  });

  it(`${kind}: excludeSelf: the sender gets complete only, no copy and no group_complete`, async () => {
    const [a, b] = await join('others', [0, 1]);
    a!.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'not me', others: true } }));
    expect(await a!.rec.nextJson()).toEqual(C);
    expect(await frames(b!.rec, 2)).toEqual([said('not me', a!.id), G]);
    await done([a!, b!]);
  });

  it(`${kind}: a reply and a broadcast to several groups: reply, complete, then one copy per member with its group_complete`, async () => {
    const [a, b, c] = await join('many', [0, 1, 1]);
    for (const m of [a!, b!]) {
      m.rec.ws.send(JSON.stringify({ action: 'enter', payload: { group: 'many-extra' } }));
      expect(await m.rec.nextJson()).toEqual(C); // a handler that returns nothing: complete alone
    }
    await setup().listening('many-extra', 2);
    a!.rec.ws.send(JSON.stringify({ action: 'announce', payload: { text: 'all', groups: ['room:many', 'many-extra'] } }));
    // a and b are in both groups: one copy each (the layer delivers once per member; Chanx once per group, README).
    expect(await frames(a!.rec, 4)).toEqual([{ action: 'announced', payload: { groups: 2 } }, C, said('all', a!.id), G]);
    for (const m of [b!, c!]) expect(await frames(m.rec, 2)).toEqual([said('all', a!.id), G]);
    await done([a!, b!, c!]);
  });

  it(`${kind}: events: each member's frames, then event_complete; a hook that returns nothing or fails still completes`, async () => {
    const members = await join('events', [0, 1]);
    const events = setup().servers[1]!.events(setup().room);
    for (const text of ['drop it', 'shout', 'fail now', 'twice', 'answer me']) events.broadcastEvent(notice(text), 'room:events');
    for (const m of members) {
      expect(await frames(m.rec, 10)).toEqual([
        E,
        notice('SHOUT'),
        E,
        E,
        notice('twice'),
        notice('twice'),
        E,
        said('ack answer me', 'hook'),
        notice('answer me'),
        E,
      ]);
    }
    // One connection by id, from the other process.
    setup().servers[0]!.events(setup().room).sendEvent(notice('just b'), members[1]!.id);
    expect(await frames(members[1]!.rec, 2)).toEqual([notice('just b'), E]);
    await done(members);
  });

  it(`${kind}: an event whose hook broadcasts to the room: the event's frames and event_complete come before its own copy`, async () => {
    const [a] = await join('echo', [0]);
    setup().servers[1]!.events(setup().room).sendEvent(notice('echo'), a!.id);
    expect(await frames(a!.rec, 4)).toEqual([notice('echo'), E, said('echo', a!.id), G]);
    await done([a!]);
  });
}

describe('flows with completion frames on one process', () => {
  let server: ChanxServer;
  let state: Setup;
  let dir: string;

  beforeAll(async () => {
    dir = await buildApp();
    const app = (await import(path.join(dir, 'generated/server.ts'))) as { createServer(options: object): ChanxServer };
    const { roomChannel } = (await import(path.join(dir, 'generated/room/router.ts'))) as { roomChannel: Room };
    server = app.createServer({ sendCompletion: true, logger: { error: () => undefined } });
    const base = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    state = { bases: [base, base], servers: [server, server], room: roomChannel, listening: async () => undefined };
  });
  afterAll(() => server?.close());

  flows('memory', () => state);

  it('the typed client: request() resolves with a returned reply, and fails at once when the server completes the request without one', async () => {
    type Client = { request(message: object, options?: { timeout?: number }): Promise<unknown>; close(): Promise<void> };
    const { connectRoom } = (await import(path.join(dir, 'generated/room/client.ts'))) as {
      connectRoom(url: string, options: { params: { room: string } }): Promise<Client>;
    };
    const client = await connectRoom(state.bases[0], { params: { room: 'asks' } });
    expect(await client.request({ action: 'announce', payload: { text: 'hi', groups: [] } })).toMatchObject({ action: 'announced', payload: { groups: 0 } });
    // The reason is the server's `complete`, not the timeout (which would be a ChanxTimeoutError).
    await expect(client.request({ action: 'announce', payload: { text: 'quiet', groups: ['room:asks'] } }, { timeout: 5000 })).rejects.toThrow(
      /completed request r2 without a direct reply/,
    );
    await client.close();
  });
});

describe.skipIf(!redisRunnable)('flows with completion frames across two servers on Redis', () => {
  let redis: RedisServer;
  const layers: RedisLayer[] = [];
  const servers: ChanxServer[] = [];
  let state: Setup;

  beforeAll(async () => {
    redis = await startRedis();
    const dir = await buildApp();
    const app = (await import(path.join(dir, 'generated/server.ts'))) as { createServer(options: object): ChanxServer };
    const { roomChannel } = (await import(path.join(dir, 'generated/room/router.ts'))) as { roomChannel: Room };
    const bases: string[] = [];
    for (let i = 0; i < 2; i++) {
      const layer = new RedisLayer({ url: redis.url, prefix: 'flows:', logger: { error: () => undefined } });
      layers.push(layer);
      await layer.ready();
      const server = app.createServer({ layer, sendCompletion: true, logger: { error: () => undefined } });
      servers.push(server);
      bases.push(`ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`);
    }
    state = {
      bases: [bases[0]!, bases[1]!],
      servers,
      room: roomChannel,
      listening: (group, count) => subscribers(redis.url, `flows:g:${group}`, count),
    };
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(layers.map((l) => l.close()));
    await redis?.stop();
  });

  flows('redis', () => state);
});
