/**
 * Two `npm start` processes of the test app (generated/server.ts run as a program) with the same
 * REDIS_URL: broadcasts cross both ways in order, the system channel works on both, events from
 * outside reach both; then redis-server is SIGKILLed: both stay up and answer, local traffic goes
 * on, lost broadcasts are logged, and after a restart a broadcast crosses again within 10 s.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelEvents, RedisLayer } from 'chanx-gen/runtime';
import { redisRunnable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { connect, quietFor } from '../helpers/ws-client.js';
import { buildApp } from './app.js';
import { startApp, until, type Started } from './app-process.js';
import { frames, joinRoom, said, subscribers, type Member } from './wait.js';

describe.skipIf(!redisRunnable)('two npm start processes with one REDIS_URL', () => {
  let redis: RedisServer;
  let apps: Started[] = [];
  let a: Member;
  let b: Member;

  beforeAll(async () => {
    redis = await startRedis();
    const dir = await buildApp();
    apps = await Promise.all([startApp(dir, { REDIS_URL: redis.url }), startApp(dir, { REDIS_URL: redis.url })]);
    a = await joinRoom(apps[0]!.base, 'lobby');
    b = await joinRoom(apps[1]!.base, 'lobby');
    await subscribers(redis.url, 'proc:g:room:lobby', 2);
  }, 90_000);

  afterAll(async () => {
    for (const app of apps) {
      if (app.child.exitCode === null && app.child.signalCode === null) {
        const exited = once(app.child, 'exit');
        app.child.kill('SIGTERM');
        await exited;
      }
    }
    await redis?.stop();
  });

  const ping = async (base: string): Promise<unknown> => {
    const client = await connect(`${base}/ws/system`);
    client.ws.send('{"action":"ping"}');
    const reply = await client.nextJson();
    client.ws.close();
    return reply;
  };

  it('shares broadcasts both ways, in order, and serves the system channel on both', async () => {
    for (let i = 0; i < 10; i++) {
      a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: `a${i}` } }));
      b.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: `b${i}` } }));
    }
    for (const m of [a, b]) {
      const got = (await frames(m.rec, 20)) as { payload: { text: string; from: string } }[];
      expect(got.filter((f) => f.payload.from === a.id).map((f) => f.payload.text)).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
      expect(got.filter((f) => f.payload.from === b.id).map((f) => f.payload.text)).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`));
    }
    for (const app of apps) expect(await ping(app.base)).toEqual({ action: 'pong', payload: null });
  });

  it('delivers an event sent from another process to the group on both', async () => {
    const outside = new RedisLayer({ url: redis.url, prefix: 'proc:', logger: { error: () => undefined } });
    try {
      await outside.ready();
      const roomChannel = { key: 'room', address: '/ws/room/{room}', discriminator: 'action', route: () => undefined };
      channelEvents(roomChannel, outside).broadcastEvent({ action: 'notice', payload: { text: 'shout from a job' } }, 'room:lobby');
      for (const m of [a, b]) expect(await m.rec.nextJson()).toEqual({ action: 'notice', payload: { text: 'SHOUT FROM A JOB' } });
    } finally {
      await outside.close();
    }
  });

  it('survives SIGKILL of redis-server and crosses again within 10 s of its restart', async () => {
    await redis.kill();
    // Both processes stay up and answer; local traffic goes on.
    for (const app of apps) expect(await ping(app.base)).toEqual({ action: 'pong', payload: null });
    a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'while down' } }));
    expect(await a.rec.nextJson()).toEqual(said('while down', a.id));
    await until('the lost broadcast is logged', 5000, () => /broadcast was delivered in this process only and lost/.test(apps[0]!.output()));
    expect(await quietFor(b.rec, 200)).toEqual([]);

    await redis.restart();
    const restarted = Date.now();
    let crossed = false;
    let n = 0;
    while (!crossed && Date.now() - restarted < 10_000) {
      a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: `after ${n}` } }));
      expect(await a.rec.nextJson()).toEqual(said(`after ${n}`, a.id));
      const arrived = await quietFor(b.rec, 250);
      crossed = arrived.length > 0;
      n++;
    }
    expect(crossed).toBe(true);
    expect(apps.map((app) => app.child.exitCode)).toEqual([null, null]);
    // And the other way too, once b's process has resubscribed.
    await subscribers(redis.url, 'proc:g:room:lobby', 2);
    b.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'back from b' } }));
    await until("b's broadcast reaches a", 5000, () => a.rec.pending().some((f) => f.includes('back from b')));
    expect(apps[0]!.output()).toMatch(/reconnected to Redis; \d+ broadcast\(s\) were lost/);
  }, 60_000);
});
