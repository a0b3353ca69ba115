/**
 * Issue 11's memory target: RSS per idle connection of the generated server within 1.1x of a
 * hand-written ws server, at 5,000 connections, both measured in this run.
 */
import type { Row } from './stats.js';
import { benchIdle, type ServerUnderTest } from './ws-load.js';

export async function benchIdleRatio(servers: ServerUnderTest[], connections = 5000): Promise<Row[]> {
  const rows = await benchIdle(servers, [connections]);
  const perConnection = rows.map((r) => Number(/([\d.]+) KiB per connection/.exec(r.extra ?? '')?.[1] ?? NaN));
  const ratio = perConnection[0]! / perConnection[1]!;
  return [
    ...rows,
    {
      name: `idle ratio at ${connections}: ${servers[0]!.name} / ${servers[1]!.name}`,
      value: ratio,
      unit: 'x',
      extra: `target <= 1.1: ${ratio <= 1.1 ? 'met' : 'NOT met'}`,
    },
  ];
}
