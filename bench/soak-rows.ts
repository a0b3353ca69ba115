/**
 * The cluster soak (scripts/soak.ts, `npm run soak`) shortened for `npm run bench`: its figures as
 * rows of the one table, so that the Redis Cluster layer's throughput stands next to its baseline
 * (a hand-written ioredis Cluster relay on the same cluster) from the same run. The full soak
 * (240 s, 10,000 clients) stays `npm run soak`; its last figures are in RELIABILITY.md.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Row } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');

export function benchSoak(clients: number, seconds: number): Row[] {
  const args = ['--import', 'tsx', path.join(ROOT, 'scripts/soak.ts'), '--clients', String(clients), '--seconds', String(seconds)];
  const out = execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: (seconds + 240) * 1000 });
  const figure = (start: string): string => {
    const line = out.split('\n').find((l) => l.startsWith(`| ${start}`));
    if (line === undefined) throw new Error(`the soak printed no row "${start}"`);
    return line.split('|')[2]!.trim();
  };
  const count = (text: string) => Number(/^[\d,]+/.exec(text)?.[0]?.replaceAll(',', '') ?? NaN);
  const setup = `${clients} clients x 4 servers, ${seconds} s, a master killed half-way`;
  return [
    { name: 'soak: RedisLayer on a 6-node Cluster (256 in flight)', value: count(figure('throughput, RedisLayer')), unit: 'msg/s', extra: setup },
    {
      name: 'soak: hand-written ioredis Cluster relay',
      value: count(figure('throughput, hand-written')),
      unit: 'msg/s',
      extra: 'the same cluster, SPUBLISH/SSUBSCRIBE',
    },
    {
      name: 'soak: deliveries missing outside the failover window',
      value: count(figure('missing outside')),
      unit: 'deliveries',
      extra: `of ${figure('deliveries expected')}; inside the window: ${figure('missing inside')}; out of order or twice: ${figure('out of order')}`,
    },
  ];
}
