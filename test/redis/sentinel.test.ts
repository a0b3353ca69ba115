/**
 * RedisLayer through Sentinel (a master, a replica, three sentinels: Debian's redis-server): the
 * layers find the master by name, and when it is SIGKILLed mid-broadcast the sentinels promote
 * the replica, the layers follow, and broadcasts resume within 10 s, every message the receiver
 * did not get counted, none twice or out of order; then the same with two `npm start` processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLayer } from 'chanx-gen/runtime';
import { redisRunnable } from '../helpers/redis-server.js';
import { startSentinels, type RedisSentinels } from '../helpers/redis-sentinel.js';
import { quietFor } from '../helpers/ws-client.js';
import { until } from '../runtime/serve.js';
import { broadcastThroughKill, Inbox, observe } from './kill-mid-broadcast.js';
import { buildApp } from './app.js';
import { startApp, stopApps, type Started } from './app-process.js';
import { joinRoom, said, subscribers } from './wait.js';

describe.skipIf(!redisRunnable)('RedisLayer through Sentinel', () => {
  let sentinel: RedisSentinels;
  const layers: RedisLayer[] = [];
  let apps: Started[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    sentinel = await startSentinels();
  }, 60_000);
  afterAll(async () => {
    await stopApps(apps);
    await Promise.all(layers.map((l) => l.close()));
    await sentinel?.stop();
  });

  it('follows a failover: a master killed mid-broadcast is replaced and broadcasts resume within 10 s, every message not received counted', async () => {
    const make = async (): Promise<RedisLayer> => {
      const layer = new RedisLayer({
        sentinels: sentinel.sentinels,
        sentinelName: sentinel.name,
        prefix: 's:',
        maxBackoffMs: 200,
        logger: { error: (m) => void logs.push(m) },
      });
      layers.push(layer);
      await layer.ready();
      return layer;
    };
    const [one, two] = [await make(), await make()];
    expect(one.where).toBe(`Redis Sentinel ${sentinel.name} at ${sentinel.sentinels}`);
    const [a, b] = [new Inbox(), new Inbox()];
    one.attach(a);
    two.attach(b);
    one.join('hot', a);
    two.join('hot', b);
    const master = await sentinel.master();
    await subscribers(`redis://127.0.0.1:${master}`, 's:g:hot', 2);

    const [told, heardBy] = [observe(one), observe(two)];
    const { sent, got, resumedMs } = await broadcastThroughKill(one, b, 'hot', () => sentinel.kill(master));
    expect(resumedMs).toBeLessThan(10_000);
    // The observer (metrics, /readyz) saw the link go down and come back, and what the stats count.
    expect(told.links.slice(0, 2)).toEqual([true, false]);
    await until(() => told.links.at(-1) === true, 10_000, 'the layer tells its observer it is up again');
    expect([told.published, told.lost, heardBy.delivered]).toEqual([one.stats().published, one.stats().lost, two.stats().received]);
    // Every sentinel names a new master that answers as one (a sentinel other than the leader learns
    // the switch from the others' hello messages, every 2 s: asking one at once could still get the old).
    expect(await sentinel.failedOver(master, 10_000)).not.toBe(master);

    expect(got.every((n, i) => i === 0 || n > got[i - 1]!)).toBe(true);
    expect(sent - got.length).toBe(two.stats().missed);
    expect(one.stats().published + one.stats().lost).toBe(sent);
    expect(sent - got.length).toBeGreaterThan(0); // nothing is queued while there is no master
    expect(logs).toContain('redis layer: Redis is unavailable; a broadcast was delivered in this process only and lost for other processes');
    expect(logs.some((m) => m.startsWith('redis layer: reconnected to Redis'))).toBe(true);
    await sentinel.restart(master);
    await sentinel.failoverReady();
    console.log(
      `sentinel failover: sent ${sent}, received ${got.length}, missed ${two.stats().missed}, lost at send ${one.stats().lost}, dropped ${two.stats().dropped}, resumed after ${resumedMs} ms`,
    );
  }, 90_000);

  it('two npm start processes with REDIS_SENTINELS carry a group both ways, and cross again within 10 s of the master being killed', async () => {
    const env = { REDIS_SENTINELS: sentinel.sentinels, REDIS_SENTINEL_NAME: sentinel.name };
    const dir = await buildApp();
    apps = await Promise.all([startApp(dir, env), startApp(dir, env)]);
    for (const app of apps) expect(app.output()).toContain(`chanx-gen groups through Redis Sentinel ${sentinel.name} at ${sentinel.sentinels}`);
    const [a, b] = [await joinRoom(apps[0]!.base, 'lobby'), await joinRoom(apps[1]!.base, 'lobby')];
    const master = await sentinel.master();
    await subscribers(`redis://127.0.0.1:${master}`, 'proc:g:room:lobby', 2);
    a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'one' } }));
    b.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'two' } }));
    await until(() => [a, b].every((m) => m.rec.pending().length === 2), 5000, 'both broadcasts reach both');

    await sentinel.kill(master);
    const killed = Date.now();
    let crossed = false;
    for (let n = 0; !crossed && Date.now() - killed < 10_000; n++) {
      a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: `after ${n}` } }));
      await until(() => a.rec.pending().some((f) => f === JSON.stringify(said(`after ${n}`, a.id))), 2000, 'local delivery');
      crossed = (await quietFor(b.rec, 200)).some((f) => f.includes('after'));
    }
    expect(crossed).toBe(true);
    expect(apps[0]!.output()).toMatch(/lost for other processes/);
    // A probe on the new master: both processes listen there again. b's subscriber is back (it heard
    // a); a's may still be resubscribing when the crossing is seen, so its return gets a window too.
    await subscribers(`redis://127.0.0.1:${await sentinel.master()}`, 'proc:g:room:lobby', 2, 5000);
  }, 90_000);
});
