/**
 * RedisLayer on a real Redis Cluster (three masters, three replicas, Debian's redis-server), with
 * sharded pub/sub: groups spread over the shards, two layers (two processes' worth) share groups
 * both ways in each sender's order, frames to one connection cross, and when the master that owns
 * a group's slot is SIGKILLed mid-broadcast, its replica takes over and broadcasts resume within
 * 10 s, every message the receiver did not get counted, none twice, none out of order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLayer } from 'chanx-gen/runtime';
import { channelNames } from '../../src/runtime/layers/redis-channels.js';
import { startCluster, type RedisCluster } from '../helpers/redis-cluster.js';
import { redisRunnable } from '../helpers/redis-server.js';
import { until } from '../runtime/serve.js';
import { broadcastThroughKill, Inbox, observe } from './kill-mid-broadcast.js';
import { buildApp } from './app.js';
import { startApp, stopApps, type Started } from './app-process.js';
import { frames, joinRoom, said } from './wait.js';
import { quietFor } from '../helpers/ws-client.js';

describe.skipIf(!redisRunnable)('RedisLayer on a Redis Cluster', () => {
  let cluster: RedisCluster;
  const layers: RedisLayer[] = [];
  let apps: Started[] = [];
  const logs: string[] = [];
  const make = async (prefix: string): Promise<RedisLayer> => {
    const layer = new RedisLayer({ clusterNodes: cluster.nodes, prefix, maxBackoffMs: 200, logger: { error: (m) => void logs.push(m) } });
    layers.push(layer);
    await layer.ready();
    return layer;
  };
  const heard = async (channel: string, count: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while ((await cluster.shardSubscribers(channel)) !== count) {
      if (Date.now() > deadline) throw new Error(`${channel} is not heard by ${count} connections`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterAll(async () => {
    await stopApps(apps);
    await Promise.all(layers.map((l) => l.close()));
    await cluster?.stop();
  });

  it('names group channels so that groups spread evenly over the masters', async () => {
    const names = channelNames('chanx:', true);
    const masters = (await cluster.topology()).filter((n) => n.role === 'master');
    const perMaster = new Map(masters.map((m) => [m.port, 0]));
    const groups = Array.from({ length: 600 }, (_, i) => `room:${i}`);
    for (const group of groups) {
      const slot = await cluster.slotOf(names.group(group));
      const owner = masters.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b))!;
      perMaster.set(owner.port, perMaster.get(owner.port)! + 1);
    }
    // A third each (200), give or take what chance gives 600 names.
    for (const count of perMaster.values()) expect(count).toBeGreaterThan(150);
    // A brace in a group's name does not pin it: its channel's slot comes from the layer's tag.
    expect(names.group('{same}1')).not.toBe(names.group('{same}2'));
    expect(await cluster.slotOf(names.group('{same}1'))).not.toBe(await cluster.slotOf(names.group('{same}2')));
    expect(names.groupOf(names.group('{same}1'))).toBe('{same}1');
    expect(() => new RedisLayer({ clusterNodes: cluster.nodes, prefix: '{app}:' })).toThrow(/must not contain braces on a cluster/);
  });

  it('shares groups on every shard both ways, in each sender order, and sends to one connection by id', async () => {
    const [one, two] = [await make('share:'), await make('share:')];
    const groups = Array.from({ length: 9 }, (_, i) => `g${i}`);
    const a = groups.map(() => new Inbox());
    const b = groups.map(() => new Inbox());
    groups.forEach((group, i) => {
      one.attach(a[i]!);
      two.attach(b[i]!);
      one.join(group, a[i]!);
      two.join(group, b[i]!);
    });
    const names = channelNames('share:', true);
    for (const group of groups) await heard(names.group(group), 2);
    const shards = new Set(await Promise.all(groups.map(async (g) => cluster.masterOf(await cluster.slotOf(names.group(g))))));
    expect(shards.size).toBe(3);

    for (let n = 0; n < 50; n++)
      groups.forEach((group) => {
        one.sendToGroups([group], `one ${n}`);
        two.sendToGroups([group], `two ${n}`);
      });
    const all = [...a, ...b];
    await until(() => all.every((m) => m.got.length === 100), 10_000, 'every member gets 100 frames').catch((err) => {
      console.log(
        all.map((m) => m.got.length),
        one.stats(),
        two.stats(),
        logs,
      );
      throw err;
    });
    const numbered = (prefix: string) => Array.from({ length: 50 }, (_, n) => `${prefix} ${n}`);
    for (const m of all) {
      expect(m.got.filter((f) => f.startsWith('one'))).toEqual(numbered('one'));
      expect(m.got.filter((f) => f.startsWith('two'))).toEqual(numbered('two'));
    }

    one.sendToMember(b[3]!.id, 'just you');
    await until(() => b[3]!.got.length === 101, 5000, 'the frame to one connection arrives');
    expect(b[3]!.got[100]).toBe('just you');
    for (const layer of [one, two]) expect(layer.stats()).toMatchObject({ lost: 0, missed: 0, dropped: 0 });
    expect(two.stats().received).toBe(9 * 50 + 1);
  });

  it('goes on when the master of a group is killed mid-broadcast: resumes within 10 s, counts every message not received, none twice or out of order', async () => {
    const [one, two] = [await make('kill:'), await make('kill:')];
    const [a, b] = [new Inbox(), new Inbox()];
    one.attach(a);
    two.attach(b);
    one.join('hot', a);
    two.join('hot', b);
    const channel = channelNames('kill:', true).group('hot');
    await heard(channel, 2);
    const master = await cluster.masterOf(await cluster.slotOf(channel));
    const [told, heardBy] = [observe(one), observe(two)];

    const { sent, got, resumedMs } = await broadcastThroughKill(one, b, 'hot', () => cluster.kill(master));
    expect(resumedMs).toBeLessThan(10_000);
    // The observer (metrics, /readyz) was told what the stats count: up once ready, and up again once
    // every master answers (the layer's probe may tell it after broadcasts resumed).
    expect([told.links[0], heardBy.links[0]]).toEqual([true, true]);
    await until(() => told.links.at(-1) === true && heardBy.links.at(-1) === true, 10_000, 'the layers tell their observers they are up again');
    expect([told.published, told.lost, heardBy.delivered]).toEqual([one.stats().published, one.stats().lost, two.stats().received]);

    // At most once, in the sender's order: strictly increasing.
    expect(got.every((n, i) => i === 0 || n > got[i - 1]!)).toBe(true);
    // Every message b did not get is counted by b's layer (a publish that failed is also counted lost by one's).
    expect(sent - got.length).toBe(two.stats().missed);
    expect(one.stats().lost).toBeLessThanOrEqual(two.stats().missed);
    expect(one.stats().published + one.stats().lost).toBe(sent);
    console.log(
      `cluster failover: sent ${sent}, received ${got.length}, missed ${two.stats().missed}, lost at send ${one.stats().lost}, dropped ${two.stats().dropped}, resumed after ${resumedMs} ms`,
    );
    expect(logs.some((m) => /lost for other processes|never arrived here/.test(m))).toBe(sent > got.length);

    await cluster.restart(master);
    await cluster.healthy();
  }, 60_000);

  it('two npm start processes with REDIS_CLUSTER_NODES carry a group both ways in order, and cross again within 10 s of its master being killed', async () => {
    const dir = await buildApp();
    apps = await Promise.all([startApp(dir, { REDIS_CLUSTER_NODES: cluster.nodes }), startApp(dir, { REDIS_CLUSTER_NODES: cluster.nodes })]);
    for (const app of apps) expect(app.output()).toContain(`chanx-gen groups through Redis Cluster at ${cluster.nodes}`);
    const [a, b] = [await joinRoom(apps[0]!.base, 'lobby'), await joinRoom(apps[1]!.base, 'lobby')];
    const channel = channelNames('proc:', true).group('room:lobby');
    await heard(channel, 2);
    for (let i = 0; i < 10; i++) {
      a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: `a${i}` } }));
      b.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: `b${i}` } }));
    }
    for (const m of [a, b]) {
      const got = (await frames(m.rec, 20)) as { payload: { text: string; from: string } }[];
      expect(got.filter((f) => f.payload.from === a.id).map((f) => f.payload.text)).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
      expect(got.filter((f) => f.payload.from === b.id).map((f) => f.payload.text)).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`));
    }

    const master = await cluster.masterOf(await cluster.slotOf(channel));
    await cluster.kill(master);
    const killed = Date.now();
    let crossed = false;
    for (let n = 0; !crossed && Date.now() - killed < 10_000; n++) {
      a.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: `after ${n}` } }));
      expect(await a.rec.nextJson()).toEqual(said(`after ${n}`, a.id)); // local delivery never stops
      crossed = (await quietFor(b.rec, 200)).length > 0;
    }
    expect(crossed).toBe(true);
    // What did not cross was counted and said, by the sender (lost) or the receiver (never arrived).
    expect(apps[0]!.output() + apps[1]!.output()).toMatch(/lost for other processes|never arrived here/);
    b.rec.ws.send(JSON.stringify({ action: 'say', payload: { text: 'back from b' } }));
    await until(() => a.rec.pending().some((f) => f.includes('back from b')), 5000, "b's broadcast reaches a");
    expect(apps.map((app) => app.child.exitCode)).toEqual([null, null]);
    await cluster.restart(master);
  }, 90_000);
});
