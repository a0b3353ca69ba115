/**
 * The pieces of the Redis layer that need no Redis: message stamps (order, duplicates and gaps per
 * sender and channel), channel names on a cluster, and host lists as REDIS_CLUSTER_NODES and
 * REDIS_SENTINELS give them.
 */
import { describe, expect, it } from 'vitest';
import { channelNames, hashTag } from '../../src/runtime/layers/redis-channels.js';
import { hosts } from '../../src/runtime/layers/redis-target.js';
import { ReceiveOrder, SendSequence } from '../../src/runtime/layers/sequence.js';

const parse = (stamp: string): [number, number] => stamp.split('.').map((x) => Number.parseInt(x, 36)) as [number, number];

describe('stamps', () => {
  it('count per channel from 1, and a receiver takes them in order, drops a duplicate or a late one, and counts the gaps', () => {
    const send = new SendSequence();
    const stamps = Array.from({ length: 6 }, () => parse(send.next('c')));
    expect(stamps.map(([, n]) => n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parse(send.next('other'))).toEqual([2, 1]); // a new channel: a new epoch, counted from 1
    const order = new ReceiveOrder();
    const judge = ([e, n]: [number, number]) => order.judge('c', 'sender01', e, n);
    expect(judge(stamps[0]!)).toEqual({ take: true, missed: 0 });
    expect(judge(stamps[0]!)).toEqual({ take: false }); // twice
    expect(judge(stamps[3]!)).toEqual({ take: true, missed: 2 }); // 2 and 3 never came
    expect(judge(stamps[2]!)).toEqual({ take: false }); // 3, late: dropped to keep the order
    expect(judge(stamps[4]!)).toEqual({ take: true, missed: 0 });
    // Another sender on the same channel is judged on its own.
    expect(order.judge('c', 'sender02', 1, 7)).toEqual({ take: true, missed: 0 });
    // Forgotten when the process leaves the channel: the next stamp starts afresh.
    order.forget('c');
    expect(judge(stamps[1]!)).toEqual({ take: true, missed: 0 });
  });

  it('start a new, greater epoch for a channel evicted from a full sender map, which receivers take as newer', () => {
    const send = new SendSequence(2);
    const first = parse(send.next('a'));
    send.next('b');
    send.next('c'); // evicts a
    const again = parse(send.next('a'));
    expect(again[0]).toBeGreaterThan(first[0]);
    expect(again[1]).toBe(1);
    const order = new ReceiveOrder();
    order.judge('a', 'o', ...first);
    expect(order.judge('a', 'o', ...again)).toEqual({ take: true, missed: 0 });
  });

  it('keep at most capPerChannel senders per channel on the receiving side, the oldest going first', () => {
    const order = new ReceiveOrder(2);
    order.judge('c', 'one', 1, 5);
    order.judge('c', 'two', 1, 5);
    order.judge('c', 'three', 1, 5); // one is forgotten
    expect(order.judge('c', 'one', 1, 2)).toEqual({ take: true, missed: 0 });
    expect(order.judge('c', 'three', 1, 5)).toEqual({ take: false });
  });
});

describe('channel names', () => {
  it('on one Redis are <prefix>g:<group> and <prefix>m:<tag>; on a cluster carry a hash tag of their own, and give the group back', () => {
    const plain = channelNames('p:', false);
    expect([plain.group('room:1'), plain.inbox('T'), plain.groupOf('p:g:room:1'), plain.groupOf('q:g:x')]).toEqual([
      'p:g:room:1',
      'p:m:T',
      'room:1',
      undefined,
    ]);
    const sharded = channelNames('p:', true);
    expect(sharded.group('room:1')).toBe(`p:g:{${hashTag('room:1')}}room:1`);
    expect(sharded.inbox('T')).toBe(`p:m:{${hashTag('T')}}T`);
    for (const group of ['room:1', '{x}', 'a}b{c', '']) expect(sharded.groupOf(sharded.group(group))).toBe(group);
    expect(sharded.groupOf('p:m:{1}T')).toBeUndefined();
    expect(() => channelNames('{p}:', true)).toThrow(/must not contain braces on a cluster/);
    expect(hashTag('room:1')).not.toBe(hashTag('room:2'));
  });
});

describe('host lists', () => {
  it('read host:port,host:port (IPv6 in brackets, spaces and empty entries tolerated) and refuse anything else by name', () => {
    expect(hosts(' 10.0.0.5:7000, [::1]:7001,redis-2:7002,', 'cluster nodes')).toEqual([
      { host: '10.0.0.5', port: 7000 },
      { host: '::1', port: 7001 },
      { host: 'redis-2', port: 7002 },
    ]);
    expect(hosts([{ host: 'h', port: 1 }], 'sentinels')).toEqual([{ host: 'h', port: 1 }]);
    for (const bad of ['host', 'host:0', 'host:70000', ':6379', 'a:b:1'])
      expect(() => hosts(bad, 'cluster nodes')).toThrow(`redis layer: cluster nodes: ${JSON.stringify(bad)} is not host:port`);
  });
});
