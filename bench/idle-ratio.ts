/**
 * Issue 11's memory target: RSS per idle connection of the generated server within 1.1x of a
 * hand-written ws server, at 5,000 connections, both measured in this run. One reading of either
 * server moves by a fifth with when its garbage collector last ran (the hand-written server read
 * 8.1 to 10.4 KiB per connection in three runs of the same code), so each is read `rounds` times,
 * interleaved, and the ratio is of the medians.
 */
import { median, type Row } from './stats.js';
import { benchIdle, type ServerUnderTest } from './ws-load.js';

const perConnection = (row: Row): number => Number(/([\d.]+) KiB per connection/.exec(row.extra ?? '')?.[1] ?? NaN);

/** Each server's readings (KiB per connection, in the order taken) and the ratio of the first's median to the second's. */
export interface IdleRatio {
  readings: Row[][];
  kib: number[][];
  ratio: number;
}

export async function idleRatio(servers: ServerUnderTest[], connections = 5000, rounds = 3): Promise<IdleRatio> {
  const readings: Row[][] = servers.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const rows = await benchIdle(servers, [connections]);
    for (const [i, row] of rows.entries()) readings[i]!.push(row);
  }
  const kib = readings.map((all) => all.map(perConnection));
  return { readings, kib, ratio: median(kib[0]!) / median(kib[1]!) };
}

export async function benchIdleRatio(servers: ServerUnderTest[], connections = 5000, rounds = 3): Promise<Row[]> {
  const { readings, kib, ratio } = await idleRatio(servers, connections, rounds);
  // Each server's median reading, with every reading's figure beside it.
  const rows = readings.map((all, i): Row => {
    const sorted = [...all].sort((a, b) => perConnection(a) - perConnection(b));
    const middle = sorted[Math.floor(sorted.length / 2)]!;
    return { ...middle, extra: `${middle.extra}; median of ${kib[i]!.map((k) => k.toFixed(1)).join(', ')} KiB` };
  });
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
