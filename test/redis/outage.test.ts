/**
 * RedisLayer in this process when Redis goes away or refuses (DESIGN §9): local delivery goes on,
 * what could not be published is counted and logged as lost (once at once, then a summary every
 * 5 s), the layer reconnects and subscribes again to every group with local members, and what
 * arrives on its channels that it cannot read is ignored.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { RedisLayer, type LayerMember } from 'chanx-gen/runtime';
import { nextMemberId, PROCESS_TAG } from '../../src/runtime/layers/member-id.js';
import { restartWhenGivenUp } from '../../src/runtime/layers/redis-pubsub.js';
import { redisRunnable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { until } from '../runtime/serve.js';
import { subscribers } from './wait.js';

class Inbox implements LayerMember {
  readonly id = nextMemberId();
  readonly got: string[] = [];
  deliver(frame: string): void {
    this.got.push(frame);
  }
}

const LOST_NOW = 'redis layer: Redis is unavailable; a broadcast was delivered in this process only and lost for other processes';

describe.skipIf(!redisRunnable)('RedisLayer when Redis fails', () => {
  let redis: RedisServer;
  let admin: Redis;
  let down = false;
  const kill = async (): Promise<void> => {
    down = true;
    await redis.kill();
  };
  const restart = async (): Promise<void> => {
    await redis.restart();
    down = false;
  };
  const layers: RedisLayer[] = [];
  const make = async (prefix: string, logs: string[], options: { maxInFlight?: number; wait?: boolean } = {}): Promise<RedisLayer> => {
    const layer = new RedisLayer({
      url: redis.url,
      prefix,
      maxBackoffMs: 50,
      logger: { error: (m) => void logs.push(m) },
      ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    });
    layers.push(layer);
    if (options.wait !== false) await layer.ready();
    return layer;
  };
  /** Two layers (two processes' worth) with a member each in group g, both subscribed. */
  const pair = async (prefix: string, options: { maxInFlight?: number } = {}) => {
    const [oneLogs, twoLogs]: string[][] = [[], []];
    const [one, two] = [await make(prefix, oneLogs, options), await make(prefix, twoLogs, options)];
    const [a, b] = [new Inbox(), new Inbox()];
    one.attach(a);
    two.attach(b);
    one.join('g', a);
    two.join('g', b);
    await subscribers(redis.url, `${prefix}g:g`, 2);
    return { one, two, a, b, oneLogs, twoLogs };
  };

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url, { retryStrategy: () => 50 });
    admin.on('error', () => undefined); // it reconnects after the outages
  });
  afterEach(async () => {
    vi.useRealTimers();
    if (down) await restart(); // a test that failed in its outage
  });
  afterAll(async () => {
    admin?.disconnect();
    await Promise.all(layers.map((l) => l.close()));
    await redis?.stop();
  });

  it('delivers locally through an outage, logs the loss once and then a count every 5 s, and after the restart crosses again and says how much was lost', async () => {
    const { one, a, b, oneLogs, twoLogs } = await pair('down:');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await kill();
    await until(() => oneLogs.length > 0 && twoLogs.length > 0, 5000, 'the outage logged');
    // Both of a layer's connections see the same end of the server; let the other one notice it too.
    await new Promise((r) => setTimeout(r, 100));
    for (const logs of [oneLogs, twoLogs])
      expect(logs).toEqual([
        expect.stringMatching(/^redis layer: lost the connection to Redis(?: \(.+\))?; reconnecting with backoff, local delivery goes on$/),
      ]);
    expect(oneLogs[0]).not.toContain('undefined');

    for (const frame of ['f1', 'f2', 'f3']) one.sendToGroups(['g'], frame);
    expect(a.got).toEqual(['f1', 'f2', 'f3']); // at once, from memory
    await until(() => oneLogs.length > 1, 3000, 'the loss logged');
    expect(oneLogs.slice(1)).toEqual([LOST_NOW]);
    vi.advanceTimersByTime(5000);
    expect(oneLogs.slice(2)).toEqual(['redis layer: 2 more broadcast(s) lost for other processes while Redis is unavailable']);
    vi.advanceTimersByTime(5000); // nothing more lost: nothing more said
    expect(oneLogs).toHaveLength(3);

    await restart();
    await until(() => oneLogs.length === 4 && twoLogs.length === 2, 5000, 'the reconnection logged');
    expect(oneLogs[3]).toBe('redis layer: reconnected to Redis; 3 broadcast(s) were lost for other processes meanwhile');
    expect(twoLogs[1]).toBe('redis layer: reconnected to Redis');
    // Subscribed again to g (its members are still here): a broadcast crosses.
    await subscribers(redis.url, 'down:g:g', 2);
    one.sendToGroups(['g'], 'after');
    await until(() => b.got.includes('after'), 3000, 'b gets the broadcast after the restart');
    expect(b.got).toEqual(['after']);
    vi.advanceTimersByTime(5000); // the loss report stopped with the outage
    expect(oneLogs).toHaveLength(4);

    // A second outage is reported as the first was.
    await kill();
    await until(() => oneLogs.length === 5, 5000, 'the second outage logged');
    await new Promise((r) => setTimeout(r, 100));
    one.sendToGroups(['g'], 'f4');
    await until(() => oneLogs.length > 5, 3000, 'the loss logged');
    expect(oneLogs.slice(5)).toEqual([LOST_NOW]);
    await restart();
    await until(() => oneLogs.length === 7, 5000, 'the second reconnection logged');
    expect(oneLogs[6]).toBe('redis layer: reconnected to Redis; 1 broadcast(s) were lost for other processes meanwhile');
  });

  it('counts a publish Redis refuses as lost, and it does not hold a place among the publishes in flight', async () => {
    const { one, a, b, oneLogs } = await pair('refused:', { maxInFlight: 1 });
    await admin.call('ACL', 'SETUSER', 'default', '-publish');
    try {
      one.sendToGroups(['g'], 'refused');
      await until(() => oneLogs.length > 0, 3000, 'the refused publish logged');
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+publish');
    }
    expect(oneLogs).toEqual([LOST_NOW]);
    expect(a.got).toEqual(['refused']);
    one.sendToGroups(['g'], 'accepted');
    await until(() => b.got.length > 0, 3000, 'b gets the next broadcast');
    expect(b.got).toEqual(['accepted']);
  });

  it('holds at most maxInFlight publishes awaiting Redis: more sent at once are delivered here and lost elsewhere, and an answer frees its place', async () => {
    const { one, two, a, b, oneLogs } = await pair('inflight:', { maxInFlight: 2 });
    const c = new Inbox();
    two.attach(c);
    // No answer can come back before these return: two publishes wait, the third is lost at once.
    for (const frame of ['f1', 'f2', 'f3']) one.sendToGroups(['g'], frame);
    expect(a.got).toEqual(['f1', 'f2', 'f3']);
    expect(oneLogs).toEqual([LOST_NOW]);
    // Once Redis has answered, the places are free again, for a member as for groups.
    await until(() => b.got.length === 2, 3000, 'the publishes in flight arrive');
    for (const frame of ['m1', 'm2', 'm3']) one.sendToMember(c.id, frame);
    await until(() => c.got.length === 2, 3000, 'the frames to c in flight arrive');
    one.sendToGroups(['g'], 'f4');
    one.sendToMember(c.id, 'm4');
    await until(() => b.got.includes('f4') && c.got.includes('m4'), 3000, 'the later publishes arrive');
    // Redis keeps one publisher's order: a lost frame would have come before the later ones.
    expect(b.got).toEqual(['f1', 'f2', 'f4']);
    expect(c.got).toEqual(['m1', 'm2', 'm4']);
  });

  it('says when it cannot subscribe, and ignores a message on its channels that is not one of its own kind', async () => {
    const logs: string[] = [];
    await admin.call('ACL', 'SETUSER', 'default', 'resetchannels');
    try {
      const layer = await make('acl:', logs);
      await until(() => logs.length > 0, 3000, 'the failed subscription logged');
      expect(logs[0]).toMatch(/^redis layer: could not subscribe: .*NOPERM/);
      await layer.close();
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', 'allchannels');
    }

    const { one, a } = await pair('odd:');
    expect(one.size('g')).toBe(1); // members here only
    // Another process's message: its 8-character origin, its stamp (epoch.n in base 36) and a space,
    // then '1' (a header follows), the header [id left out, event's channel, groups], a newline, the
    // frame; or '0' and the frame alone. Anything else is another client's, and must neither reach a
    // member nor throw inside ioredis.
    const unreadable = [
      'outside01.1 1{not json\nframe',
      'outside01.2 1{}\nnot an array',
      'outside01.3 1null\nnull',
      'outside01.4 1["","",5]\ngroups neither 0 nor a list',
      'outside01.5 1["",1,0]\nan event channel that is no string',
      'outside01.6 2["","",0]\nneither 0 nor 1 after the stamp',
      'outside01.7 1["","",0]x', // no newline
      'outside01["","",0]\nno stamp',
      'outside00.1 1["","",0]\na stamp of 0',
      'outside0!.1 1["","",0]\na stamp that is no number',
    ];
    // What a message makes ioredis's socket handler throw would reach the process as uncaught.
    const thrown: unknown[] = [];
    const record = (err: unknown): void => void thrown.push(err);
    process.on('uncaughtException', record);
    try {
      for (const message of unreadable) await admin.publish('odd:g:g', message);
      // On the inbox (frames to one member by id) only the headed form counts.
      for (const message of [`outside01.1 0${a.id}`, `outside01.2 1{}\nnot an array`]) await admin.publish(`odd:m:${PROCESS_TAG}`, message);
      await admin.publish(`odd:m:${PROCESS_TAG}`, `outside01.2 1["${a.id}","",0]\nto a`);
      await admin.publish('odd:g:g', 'outside01.8 1["","",0]\nreadable');
      await until(() => a.got.length > 1, 3000, 'a gets the readable messages');
    } finally {
      process.off('uncaughtException', record);
    }
    expect(thrown).toEqual([]);
    expect(a.got).toEqual(['to a', 'readable']);
  });

  it('while Redis cannot be reached, counts a send as lost when it is made, and a send to no group or to an id no process has as no loss', async () => {
    const probe = await startRedis();
    const url = probe.url;
    await probe.stop(); // nothing listens there now
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const logs: string[] = [];
    const layer = new RedisLayer({ url, maxBackoffMs: 50, logger: { error: (m) => void logs.push(m) } });
    layers.push(layer);
    const losses = (): string[] => logs.filter((m) => !m.startsWith('redis layer: lost the connection'));
    layer.sendToGroups([], 'to no group');
    layer.sendToGroups(new Set(), 'to no group');
    layer.sendToMember('not-a-member-id', 'to nobody');
    expect(losses()).toEqual([]);
    layer.sendToMember('elsewhere.1', 'to a member of another process');
    expect(losses()).toEqual([LOST_NOW]);
    layer.sendToGroups(['g'], 'to a group');
    vi.advanceTimersByTime(5000);
    expect(losses()).toEqual([LOST_NOW, 'redis layer: 1 more broadcast(s) lost for other processes while Redis is unavailable']);
    await layer.close();
  });

  it('starts a connection again when ioredis gives it up (as a Sentinel failover can), and not once the layer closes it', async () => {
    // Through Sentinel, ioredis ends a client for good when its failover detector cuts a master lookup
    // short; disconnect() puts a client in that same state (status end) on demand.
    let [closing, ended, readied] = [false, 0, 0];
    const client = new Redis(redis.url, { retryStrategy: () => 20 });
    client.on('error', () => undefined);
    client.on('end', () => void ended++);
    client.on('ready', () => void readied++);
    restartWhenGivenUp(client, () => closing);
    await until(() => readied === 1, 5000, 'the client is up');
    for (let round = 1; round <= 2; round++) {
      client.disconnect();
      await until(() => ended === round && readied === round + 1, 5000, `the client given up is up again (round ${round})`);
    }
    expect(await client.ping()).toBe('PONG');
    closing = true;
    client.disconnect();
    await until(() => ended === 3, 5000, 'the client closed');
    await new Promise((r) => setTimeout(r, 200));
    expect([client.status, readied]).toEqual(['end', 3]);
    // A retry strategy that says stop (a user's) is obeyed.
    const stops = new Redis(redis.url, { retryStrategy: () => null });
    stops.on('error', () => undefined);
    restartWhenGivenUp(stops, () => false);
    await until(() => stops.status === 'ready', 5000, 'the second client is up');
    stops.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    expect(stops.status).toBe('end');
  });

  it('logs to the console by default, with the reason it cannot connect', async () => {
    const probe = await startRedis();
    const url = probe.url;
    await probe.stop(); // nothing listens there now
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const layer = new RedisLayer({ url });
      layers.push(layer);
      await until(() => printed.mock.calls.length > 0, 3000, 'the failure printed');
      expect(printed.mock.calls[0]![0]).toMatch(/^redis layer: lost the connection to Redis \(.*ECONNREFUSED.*\); reconnecting/);
      await layer.close();
    } finally {
      printed.mockRestore();
    }
  });
});
