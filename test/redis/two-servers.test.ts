/**
 * Two servers of the test app, each on its own RedisLayer (as two processes would be), sharing one
 * real redis-server: broadcasts, excludeSelf, leave and disconnect, events from outside, prefixes.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelEvents, RedisLayer, type ChanxServer } from 'chanx-gen/runtime';
import { redisRunnable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { quietFor } from '../helpers/ws-client.js';
import { writeFileSync } from 'node:fs';
import { tsc } from '../helpers/tsc.js';
import { buildApp } from './app.js';
import { frames, joinRoom, said, subscribers } from './wait.js';

describe.skipIf(!redisRunnable)('two servers on one Redis', () => {
  let redis: RedisServer;
  let dir: string;
  const layers: RedisLayer[] = [];
  const servers: ChanxServer[] = [];
  const bases: string[] = [];
  const logs: string[] = [];
  const logger = { error: (message: string) => void logs.push(message) };
  let roomChannel: import('chanx-gen/runtime').ChannelDefinition<unknown, { action: string; payload: unknown }, unknown>;

  const layer = (prefix = 'test:'): RedisLayer => {
    const made = new RedisLayer({ url: redis.url, prefix, logger });
    layers.push(made);
    return made;
  };

  beforeAll(async () => {
    redis = await startRedis();
    dir = await buildApp();
    const app = (await import(path.join(dir, 'generated/server.ts'))) as { createServer(options: object): ChanxServer };
    roomChannel = ((await import(path.join(dir, 'generated/room/router.ts'))) as { roomChannel: typeof roomChannel }).roomChannel;
    for (let i = 0; i < 2; i++) {
      const own = layer();
      await own.ready();
      const server = app.createServer({ layer: own, logger });
      servers.push(server);
      bases.push(`ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`);
    }
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(layers.map((l) => l.close()));
    await redis?.stop();
  });

  it('carries broadcasts both ways, in order per sender', async () => {
    const a = await joinRoom(bases[0]!, 'order');
    const b = await joinRoom(bases[1]!, 'order');
    await subscribers(redis.url, 'test:g:room:order', 2);
    const n = 25;
    for (let i = 0; i < n; i++) {
      a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: `a${i}` } }));
      b.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: `b${i}` } }));
    }
    for (const member of [a, b]) {
      const got = (await frames(member.rec, 2 * n)) as { payload: { text: string; from: string } }[];
      expect(got.filter((f) => f.payload.from === a.id).map((f) => f.payload.text)).toEqual(Array.from({ length: n }, (_, i) => `a${i}`));
      expect(got.filter((f) => f.payload.from === b.id).map((f) => f.payload.text)).toEqual(Array.from({ length: n }, (_, i) => `b${i}`));
    }
    expect(await quietFor(a.rec, 100)).toEqual([]);
    a.rec.ws.close();
    b.rec.ws.close();
  });

  it('leaves out the sender on every process with excludeSelf', async () => {
    const a = await joinRoom(bases[0]!, 'others');
    const b = await joinRoom(bases[1]!, 'others');
    const c = await joinRoom(bases[0]!, 'others');
    await subscribers(redis.url, 'test:g:room:others', 2);
    a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'not to me', others: true } }));
    expect(await b.rec.nextJson()).toEqual(said('not to me', a.id));
    expect(await c.rec.nextJson()).toEqual(said('not to me', a.id));
    b.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'from b', others: true } }));
    expect(await a.rec.nextJson()).toEqual(said('from b', b.id));
    expect(await c.rec.nextJson()).toEqual(said('from b', b.id));
    expect(await quietFor(a.rec, 150)).toEqual([]);
    expect(b.rec.pending()).toEqual([]);
    for (const m of [a, b, c]) m.rec.ws.close();
  });

  it('stops delivering after leave and after disconnect, and unsubscribes a process with no members left', async () => {
    const a = await joinRoom(bases[0]!, 'leaving');
    const b = await joinRoom(bases[1]!, 'leaving');
    const b2 = await joinRoom(bases[1]!, 'leaving');
    await subscribers(redis.url, 'test:g:room:leaving', 2);
    b2.rec.ws.close();
    await b2.rec.closed;
    b.rec.ws.send('{"action":"leave"}');
    expect(await b.rec.nextJson()).toEqual({ action: 'left', payload: null });
    await subscribers(redis.url, 'test:g:room:leaving', 1);
    a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'anyone?' } }));
    expect(await a.rec.nextJson()).toEqual(said('anyone?', a.id));
    expect(await quietFor(b.rec, 200)).toEqual([]);
    a.rec.ws.close();
    b.rec.ws.close();
    await subscribers(redis.url, 'test:g:room:leaving', 0);
    expect(logs).toEqual([]);
  });

  it('delivers typed events from outside to a group on both processes, through the consumer hook', async () => {
    const a = await joinRoom(bases[0]!, 'events');
    const b = await joinRoom(bases[1]!, 'events');
    await subscribers(redis.url, 'test:g:room:events', 2);
    const outside = layer();
    await outside.ready();
    const events = channelEvents(roomChannel, outside);
    events.broadcastEvent({ action: 'notice', payload: { text: 'hello' } }, 'room:events');
    events.broadcastEvent({ action: 'notice', payload: { text: 'drop me' } }, 'room:events');
    events.broadcastEvent({ action: 'notice', payload: { text: 'shout' } }, ['room:events']);
    events.broadcastEvent({ action: 'notice', payload: { text: 'slow first' } }, 'room:events');
    events.broadcastEvent({ action: 'notice', payload: { text: 'answer then' } }, 'room:events');
    for (const m of [a, b]) {
      expect(await frames(m.rec, 5)).toEqual([
        { action: 'notice', payload: { text: 'hello' } },
        { action: 'notice', payload: { text: 'SHOUT' } },
        { action: 'notice', payload: { text: 'slow first' } },
        said('ack answer then', 'hook'),
        { action: 'notice', payload: { text: 'answer then' } },
      ]);
    }
    // One connection by id, from outside and from the other server.
    events.sendEvent({ action: 'notice', payload: { text: 'just b' } }, b.id);
    expect(await b.rec.nextJson()).toEqual({ action: 'notice', payload: { text: 'just b' } });
    servers[1]!.events(roomChannel).sendEvent({ action: 'notice', payload: { text: 'just a' } }, a.id);
    expect(await a.rec.nextJson()).toEqual({ action: 'notice', payload: { text: 'just a' } });
    servers[0]!.events(roomChannel).sendEvent({ action: 'notice', payload: { text: 'local a' } }, a.id);
    expect(await a.rec.nextJson()).toEqual({ action: 'notice', payload: { text: 'local a' } });
    expect(await quietFor(a.rec, 150)).toEqual([]);
    expect(b.rec.pending()).toEqual([]);
    a.rec.ws.close();
    b.rec.ws.close();
  });

  it('keeps apps with different prefixes apart on one Redis', async () => {
    const a = await joinRoom(bases[0]!, 'apart');
    await subscribers(redis.url, 'test:g:room:apart', 1);
    const other = layer('other-app:');
    await other.ready();
    channelEvents(roomChannel, other).broadcastEvent({ action: 'notice', payload: { text: 'wrong app' } }, 'room:apart');
    channelEvents(roomChannel, layers[0]!).broadcastEvent({ action: 'notice', payload: { text: 'right app' } }, 'room:apart');
    expect(await a.rec.nextJson()).toEqual({ action: 'notice', payload: { text: 'right app' } });
    expect(await quietFor(a.rec, 150)).toEqual([]);
    a.rec.ws.close();
  });

  it("types events with the channel's server-to-client messages", async () => {
    // tsc --strict over the app and generated/typed-events.ts, whose @ts-expect-error lines hold
    // only while events are typed (skipLibCheck: the libraries' own .d.ts are not what is tested).
    const config = path.join(dir, 'generated/tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
        include: ['.'],
      }),
    );
    expect((await tsc(['-p', config])).output).toBe('');
  }, 120_000);
});
