/**
 * A topic on its own route (Chanx's `Topic.as_consumer()`), mounted by hand as generated server.ts
 * mounts it: restricted path parameters refuse other values with 404 before any topic instance is
 * made, and the values allowed subscribe on connect.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createChanxServer, mountTopicRoute, type ChanxServer } from 'chanx-gen/runtime';
import { roomTopic } from '../fixtures/client-topics/expected/hub_room/router.js';
import type { HubRoomHandlers } from '../fixtures/client-topics/expected/hub_room/handlers.js';
import type * as M from '../fixtures/client-topics/expected/hub_room/messages.js';
import { connect, upgradeStatus } from '../helpers/ws-client.js';

let created = 0;
class Room implements HubRoomHandlers {
  constructor() {
    created++;
  }
  onPost(message: M.Post): M.Posted {
    return { action: 'posted', payload: message.payload };
  }
}

let server: ChanxServer;
let base: string;
beforeAll(async () => {
  server = createChanxServer([mountTopicRoute(roomTopic, Room, { key: 'room_route', address: '/ws/room/{room_name}', paramValues: { room_name: ['lobby', 'kitchen'] } })], { logger: { error: () => undefined } });
  base = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});
afterAll(() => server.close());

it('refuses a parameter value the route does not allow with 404, and makes no topic instance for it', async () => {
  expect(await upgradeStatus(`${base}/ws/room/cellar`)).toBe(404);
  expect(created).toBe(0);
});

it('subscribes a connection on an allowed value to that topic instance; its frames need no envelope', async () => {
  const c = await connect(`${base}/ws/room/kitchen`);
  expect(await c.nextJson()).toEqual({ version: 1, topic: 'room:kitchen', action: 'subscribed', payload: null });
  c.ws.send(JSON.stringify({ action: 'post', payload: { text: 'hi' } }));
  expect(await c.nextJson()).toEqual({ version: 1, topic: 'room:kitchen', action: 'posted', payload: { text: 'hi' } });
  expect(created).toBe(1);
  c.ws.close();
});
