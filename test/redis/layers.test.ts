/**
 * The layers alone, with plain members: what the interface promises (once per member, exclusion,
 * by id) holds for the in-memory layer and across RedisLayers on a real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createServer } from 'node:net';
import { MemoryLayer, RedisLayer, type LayerMember } from 'chanx-gen/runtime';
import { nextMemberId, processTagOf, PROCESS_TAG } from '../../src/runtime/layers/member-id.js';
import { redisRunnable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { subscribers } from './wait.js';

class Inbox implements LayerMember {
  readonly id = nextMemberId();
  readonly got: [string, string | undefined][] = [];
  deliver(frame: string, eventOf?: string): void {
    this.got.push([frame, eventOf]);
  }
}

async function settle(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('MemoryLayer', () => {
  it('sends once per member across groups, leaves out the excluded id, and forgets who left', () => {
    const layer = new MemoryLayer();
    const [a, b, c] = [new Inbox(), new Inbox(), new Inbox()];
    for (const m of [a, b, c]) layer.attach(m);
    layer.join('x', a);
    layer.join('y', a);
    layer.join('y', b);
    layer.join('x', c);
    layer.sendToGroups(['x', 'y'], 'f1');
    layer.sendToGroups(new Set(['y']), 'f2', b.id);
    layer.sendToGroups(['nobody'], 'f3');
    layer.leave('x', c);
    layer.sendToGroups(['x'], 'f4', undefined, 'room');
    layer.sendToMember(b.id, 'f5');
    layer.detach(b);
    layer.sendToMember(b.id, 'f6');
    expect(a.got).toEqual([
      ['f1', undefined],
      ['f2', undefined],
      ['f4', 'room'],
    ]);
    expect(b.got).toEqual([
      ['f1', undefined],
      ['f5', undefined],
    ]);
    expect(c.got).toEqual([['f1', undefined]]);
    expect(layer.size('x')).toBe(1);
    layer.leave('x', a);
    expect(layer.size('x')).toBe(0);
    expect([...layer.groupNames()]).toEqual(['y']);
  });

  it('sends once to a member of the second and third groups, and leaves out the excluded id in any of them', () => {
    const layer = new MemoryLayer();
    const [a, b, c] = [new Inbox(), new Inbox(), new Inbox()];
    layer.join('x', a);
    for (const group of ['y', 'z']) {
      layer.join(group, b);
      layer.join(group, c);
    }
    layer.sendToGroups(['x', 'y', 'z'], 'f1');
    layer.sendToGroups(['x', 'y', 'z'], 'f2', c.id);
    expect([a.got, b.got, c.got]).toEqual([
      [
        ['f1', undefined],
        ['f2', undefined],
      ],
      [
        ['f1', undefined],
        ['f2', undefined],
      ],
      [['f1', undefined]],
    ]);
  });

  it('delivers to one group (what a RedisLayer does with a frame from Redis), counting who got it', () => {
    const layer = new MemoryLayer();
    const [a, b, c] = [new Inbox(), new Inbox(), new Inbox()];
    for (const m of [a, b, c]) layer.join('x', m);
    layer.join('y', b);
    expect(layer.deliverToGroup('x', 'f1', c.id, 'room')).toBe(2);
    // Members of the groups the frame already went to elsewhere are left out; a group nobody is in here is no one.
    expect(layer.deliverToGroup('x', 'f2', undefined, undefined, ['gone', 'y'])).toBe(2);
    expect(layer.deliverToGroup('gone', 'f3')).toBe(0);
    expect([a.got, b.got, c.got]).toEqual([
      [
        ['f1', 'room'],
        ['f2', undefined],
      ],
      [['f1', 'room']],
      [['f2', undefined]],
    ]);
  });
});

describe('processTagOf', () => {
  it('takes the process tag off a member id, and refuses ids that are not ours', () => {
    const id = nextMemberId();
    expect(processTagOf(id)).toBe(PROCESS_TAG);
    expect(id.startsWith(`${PROCESS_TAG}.`)).toBe(true);
    expect(processTagOf('a.b.c')).toBe('a.b');
    expect([processTagOf('nodot'), processTagOf('.1'), processTagOf('')]).toEqual([undefined, undefined, undefined]);
  });
});

describe.skipIf(!redisRunnable)('RedisLayer', () => {
  let redis: RedisServer;
  const layers: RedisLayer[] = [];
  const logs: string[] = [];
  const make = async (): Promise<RedisLayer> => {
    const layer = new RedisLayer({ url: redis.url, prefix: 'unit:', logger: { error: (m) => void logs.push(m) } });
    layers.push(layer);
    await layer.ready();
    return layer;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(layers.map((l) => l.close()));
    await redis?.stop();
  });

  it('sends across layers once per member, excludes by id anywhere, and reaches one member by id', async () => {
    const [one, two] = [await make(), await make()];
    const [a, b, c, d] = [new Inbox(), new Inbox(), new Inbox(), new Inbox()];
    one.attach(a);
    two.attach(b);
    two.attach(c);
    two.attach(d);
    one.join('p', a);
    two.join('p', b);
    two.join('p', d); // only in p: gets 'both' through p
    two.join('q', b);
    two.join('q', c);
    await subscribers(redis.url, 'unit:g:p', 2);
    await subscribers(redis.url, 'unit:g:q', 1);
    one.sendToGroups(['q', 'p'], 'both');
    one.sendToGroups(['p'], 'not b', b.id);
    one.sendToMember(c.id, 'to c', 'room');
    two.sendToMember(a.id, 'to a');
    one.sendToGroups(['p'], 'last');
    await settle(() => b.got.length === 2 && c.got.length === 2 && a.got.length === 4 && d.got.length === 3);
    // a is local to `one`, whose own frames come at once and in order; `two`'s comes through Redis.
    expect(a.got.filter(([f]) => f !== 'to a')).toEqual([
      ['both', undefined],
      ['not b', undefined],
      ['last', undefined],
    ]);
    expect(a.got).toContainEqual(['to a', undefined]);
    expect(b.got).toEqual([
      ['both', undefined],
      ['last', undefined],
    ]);
    expect(c.got).toEqual([
      ['both', undefined],
      ['to c', 'room'],
    ]);
    expect(d.got).toEqual([
      ['both', undefined],
      ['not b', undefined],
      ['last', undefined],
    ]);
    expect(logs).toEqual([]);
  });

  it('sends SUBSCRIBE for the first member here and UNSUBSCRIBE after the last, nothing for the others', async () => {
    const layer = await make();
    const [a, b] = [new Inbox(), new Inbox()];
    const admin = new Redis(redis.url);
    const monitor = await admin.monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (/subscribe$/i.test(args[0]!) && args.some((arg) => arg.startsWith('unit:g:watched'))) seen.push(args.join(' ').toLowerCase());
    });
    try {
      layer.join('watched', a);
      layer.join('watched', b);
      layer.join('watched-fence', a); // one connection: whatever the joins before sent, MONITOR shows first
      await settle(() => seen.includes('subscribe unit:g:watched-fence'));
      layer.leave('watched', a);
      layer.leave('watched', b);
      layer.leave('watched-never', a); // a group nobody here was in
      layer.leave('watched-fence', a);
      await settle(() => seen.includes('unsubscribe unit:g:watched-fence'));
    } finally {
      monitor.disconnect();
      admin.disconnect();
    }
    expect(seen).toEqual(['subscribe unit:g:watched', 'subscribe unit:g:watched-fence', 'unsubscribe unit:g:watched', 'unsubscribe unit:g:watched-fence']);
  });

  it('connects to 127.0.0.1:6379 by default: the address itself, however the host resolves localhost', async (ctx) => {
    if (!(await portFree(6379))) return ctx.skip(); // a Redis of this machine's, or anything else
    const local = await startRedis(6379);
    try {
      // family 6: names resolve to IPv6 only, as where localhost is ::1 (a Redis on 127.0.0.1 is then missed by name).
      for (const redisOptions of [{}, { family: 6 }]) {
        const logs: string[] = [];
        const layer = new RedisLayer({ logger: { error: (m) => void logs.push(m) }, redisOptions });
        layers.push(layer);
        let up = false;
        void layer.ready().then(() => (up = true));
        await settle(() => up || logs.length > 0);
        expect(logs).toEqual([]);
        await layer.close();
      }
    } finally {
      await local.stop();
    }
  });

  it('subscribes only to groups with members here, and drops them when the last one leaves', async () => {
    const layer = await make();
    const a = new Inbox();
    layer.attach(a);
    layer.join('only-here', a);
    await subscribers(redis.url, 'unit:g:only-here', 1);
    await subscribers(redis.url, 'unit:g:elsewhere', 0);
    layer.leave('only-here', a);
    await subscribers(redis.url, 'unit:g:only-here', 0);
  });

  it('writes the publishes of one tick in one write of its publishing connection, delivered in order', async () => {
    const [one, two] = [await make(), await make()];
    const b = new Inbox();
    two.attach(b);
    two.join('burst', b);
    await subscribers(redis.url, 'unit:g:burst', 1);
    // The publishing connection's socket (SinglePubSub's publisher): its writes, one syscall each.
    const stream = (one as unknown as { pubsub: { publisher: Redis } }).pubsub.publisher.stream as unknown as Record<
      '_write' | '_writev',
      (...args: unknown[]) => unknown
    >;
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const original = stream[method];
      stream[method] = function (this: unknown, ...args: unknown[]) {
        writes++;
        return original.apply(this, args);
      };
    }
    for (let i = 0; i < 50; i++) one.sendToGroups(['burst'], `f${i}`);
    await settle(() => b.got.length === 50);
    expect(b.got.map(([frame]) => frame)).toEqual(Array.from({ length: 50 }, (_, i) => `f${i}`));
    expect(writes).toBe(1);
    one.sendToGroups(['burst'], 'later');
    await settle(() => b.got.length === 51);
    expect(writes).toBe(2);
  });
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
