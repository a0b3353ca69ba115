/** Events on the default in-memory layer: one process, no Redis; the consumer hook decides what goes out. */
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChannelDefinition, ChanxServer } from 'chanx-gen/runtime';
import { quietFor } from '../helpers/ws-client.js';
import { buildApp } from './app.js';
import { joinRoom } from './wait.js';

let server: ChanxServer;
let base: string;
let roomChannel: ChannelDefinition<unknown, { action: string; payload: unknown }, unknown>;
const logs: string[] = [];

beforeAll(async () => {
  const dir = await buildApp();
  const app = (await import(path.join(dir, 'generated/server.ts'))) as { createServer(options: object): ChanxServer };
  roomChannel = ((await import(path.join(dir, 'generated/room/router.ts'))) as { roomChannel: typeof roomChannel }).roomChannel;
  server = app.createServer({ logger: { error: (m: string) => void logs.push(m) } });
  base = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});
afterAll(() => server?.close());

it('sends events to a group and to one connection, through the hook, in order', async () => {
  const a = await joinRoom(base, 'mem');
  const b = await joinRoom(base, 'mem');
  const elsewhere = await joinRoom(base, 'other');
  const events = server.events(roomChannel);
  for (const text of ['slow one', 'drop this', 'fail here', 'shout', 'plain']) events.broadcastEvent({ action: 'notice', payload: { text } }, 'room:mem');
  events.sendEvent({ action: 'notice', payload: { text: 'only b' } }, b.id);
  events.sendEvent({ action: 'notice', payload: { text: 'nobody' } }, 'no-such.connection');
  const expected = [
    { action: 'notice', payload: { text: 'slow one' } },
    { action: 'notice', payload: { text: 'SHOUT' } },
    { action: 'notice', payload: { text: 'plain' } },
  ];
  for (const frame of expected) expect(await a.rec.nextJson()).toEqual(frame);
  for (const frame of [...expected, { action: 'notice', payload: { text: 'only b' } }]) expect(await b.rec.nextJson()).toEqual(frame);
  expect(await quietFor(a.rec, 100)).toEqual([]);
  expect(elsewhere.rec.pending()).toEqual([]);
  expect(logs.filter((l) => l.includes('the hook failed'))).toHaveLength(2);
  for (const m of [a, b, elsewhere]) m.rec.ws.close();
});

it('keeps an event of one channel from connections of another in the same group', async () => {
  const a = await joinRoom(base, 'shared');
  const foreign = { key: 'not-room', address: '/nowhere', discriminator: 'action', route: () => undefined };
  server.events(foreign).broadcastEvent({ action: 'notice', payload: { text: 'not for rooms' } }, 'room:shared');
  server.events(roomChannel).broadcastEvent({ action: 'notice', payload: { text: 'for rooms' } }, 'room:shared');
  expect(await a.rec.nextJson()).toEqual({ action: 'notice', payload: { text: 'for rooms' } });
  expect(await quietFor(a.rec, 100)).toEqual([]);
  a.rec.ws.close();
});
