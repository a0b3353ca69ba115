/**
 * The README's broadcast and event tests, on the scale-out test app (test/redis/app: a room whose
 * consumer joins room:<name>, greets with `joined`, broadcasts `said`, lets notices through). Each
 * test reads up to Chanx's completion frame for it: `group_complete` after a broadcast a connection
 * receives, `event_complete` after the frames of an event (DESIGN §4, from the flows work).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from 'chanx-gen/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { buildApp } from '../redis/app.js';

type Room = { action: string; payload: unknown };
interface RoomClient {
  send(message: Room): void;
  on(name: string, fn: (message: Room) => void): unknown;
  close(): Promise<void>;
}
let server: TestServer;
let connectRoom: (url: string, options: { params: { room: string } }) => Promise<RoomClient>;
let roomChannel: Parameters<TestServer['events']>[0];

beforeAll(async () => {
  const dir = await buildApp();
  const { createServer } = await import(path.join(dir, 'generated/server.ts'));
  ({ connectRoom } = await import(path.join(dir, 'generated/room/client.ts')));
  ({ roomChannel } = await import(path.join(dir, 'generated/room/router.ts')));
  server = await startTestServer(createServer);
});
afterAll(() => server?.close());

// The README's two examples, word for word.
it('a broadcast reaches both clients in the room', async () => {
  await using alice = await server.connect(connectRoom, { params: { room: 'lobby' } });
  await using bob = await server.connect(connectRoom, { params: { room: 'lobby' } });
  alice.send({ action: 'say', payload: { text: 'hi' } });
  const said = { action: 'said', payload: { text: 'hi', from: alice.connectionId } };
  assert.deepEqual(await alice.receiveAll({ until: 'group_complete' }), [{ action: 'joined', payload: { id: alice.connectionId } }, said]);
  assert.deepEqual(await bob.receiveAll({ until: 'group_complete' }), [{ action: 'joined', payload: { id: bob.connectionId } }, said]);
  assert.deepEqual(server.captured.broadcasts.at(-1), { message: said, groups: ['room:lobby'] });
});

it('an event from outside reaches the room', async () => {
  await using client = await server.connect(connectRoom, { params: { room: 'hall' } });
  server.events(roomChannel).broadcastEvent({ action: 'notice', payload: { text: 'closing soon' } }, 'room:hall');
  assert.deepEqual(await client.receiveAll({ until: 'event_complete' }), [
    { action: 'joined', payload: { id: client.connectionId } },
    { action: 'notice', payload: { text: 'closing soon' } },
  ]);
});

it('the README shows these tests as they are here', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const here = readFileSync(new URL(import.meta.url), 'utf8');
  for (const title of ['a broadcast reaches both clients in the room', 'an event from outside reaches the room']) {
    const body = (text: string) => text.slice(text.indexOf(`it('${title}'`), text.indexOf('\n});\n', text.indexOf(`it('${title}'`)));
    expect(body(readme).length).toBeGreaterThan(100);
    expect(body(readme)).toBe(body(here));
    expect(body(here).split('\n').length).toBeLessThan(15);
  }
});

it("excludeSelf: the others read the broadcast up to its group_complete, the sender only its own frame's complete", async () => {
  await using alice = await server.connect(connectRoom, { params: { room: 'porch' } });
  await using bob = await server.connect(connectRoom, { params: { room: 'porch' } });
  alice.send({ action: 'say', payload: { text: 'psst', others: true } });
  const said = { action: 'said', payload: { text: 'psst', from: alice.connectionId } };
  assert.deepEqual(await bob.receiveAll({ until: 'group_complete' }), [{ action: 'joined', payload: { id: bob.connectionId } }, said]);
  assert.deepEqual(await alice.receiveAll(), [{ action: 'joined', payload: { id: alice.connectionId } }]);
  await alice.expectNothing(100);
  assert.ok(!alice.frames.some((f) => f.action === 'group_complete'));
  assert.deepEqual(server.captured.broadcasts.at(-1), { message: said, groups: ['room:porch'], excluded: alice.connectionId });
});

it('an event the consumer drops still ends with event_complete; two events are read with count', async () => {
  await using client = await server.connect(connectRoom, { params: { room: 'attic' } });
  const events = server.events(roomChannel);
  events.broadcastEvent({ action: 'notice', payload: { text: 'drop this' } }, 'room:attic');
  events.sendEvent({ action: 'notice', payload: { text: 'shout' } }, client.connectionId);
  assert.deepEqual(await client.receiveAll({ until: 'event_complete', count: 2 }), [
    { action: 'joined', payload: { id: client.connectionId } },
    { action: 'notice', payload: { text: 'SHOUT' } },
  ]);
  assert.deepEqual(
    server.captured.events.slice(-2).map((e) => e.to ?? e.groups),
    [['room:attic'], client.connectionId],
  );
});
