/** Waiting on Redis and on clients in the scale-out tests, without fixed sleeps where a condition exists. */
import { Redis } from 'ioredis';
import { connect, type Recorder } from '../helpers/ws-client.js';

/** Resolves once `channel` has `count` subscribers (every process that should listen does). */
export async function subscribers(url: string, channel: string, count: number, ms = 10_000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    const deadline = Date.now() + ms;
    for (;;) {
      const [, n] = (await client.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(n) === count) return;
      if (Date.now() > deadline) throw new Error(`${channel} has ${n} subscribers, not ${count}, after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    client.disconnect();
  }
}

export interface Member {
  rec: Recorder;
  id: string;
}

/** Connects to the test app's room and takes its `joined` frame (the connection is then in room:<room>). */
export async function joinRoom(base: string, room: string): Promise<Member> {
  const rec = await connect(`${base}/ws/room/${room}`);
  const joined = (await rec.nextJson()) as { action: string; payload: { id: string } };
  if (joined.action !== 'joined') throw new Error(`expected joined, got ${JSON.stringify(joined)}`);
  return { rec, id: joined.payload.id };
}

/** The next `n` frames, parsed. */
export async function frames(rec: Recorder, n: number, ms = 5000): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(await rec.nextJson(ms));
  return out;
}

export function said(text: string, from: string): unknown {
  return { action: 'said', payload: { text, from } };
}
