/**
 * A topic on its own route (Chanx's `Topic.as_consumer()`), mounted by hand as generated server.ts
 * mounts it: restricted path parameters refuse other values with 404 before any topic instance is
 * made, and the values allowed subscribe on connect. A subscription refused in any way (authorize
 * says no, throws or rejects, the class cannot be made) closes the connection with 1008 after the
 * error frame; sync and async hooks that accept leave it open, with nothing logged.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createChanxServer, mountTopicRoute, type ChanxServer, type TopicContext, type TopicDefinition } from 'chanx-gen/runtime';
import { roomTopic } from '../fixtures/client-topics/expected/hub_room/router.js';
import type { HubRoomContext, HubRoomHandlers } from '../fixtures/client-topics/expected/hub_room/handlers.js';
import type * as M from '../fixtures/client-topics/expected/hub_room/messages.js';
import { connect, type Recorder, upgradeStatus } from '../helpers/ws-client.js';
import { MAX_TOPIC_LENGTH } from '../../src/runtime/topics/session.js';

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
  server = createChanxServer(
    [mountTopicRoute(roomTopic, Room, { key: 'room_route', address: '/ws/room/{room_name}', paramValues: { room_name: ['lobby', 'kitchen'] } })],
    { logger: { error: () => undefined } },
  );
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

const opened: ChanxServer[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

/** A server with `definition` on its own route '/ws/{prefix}/{param}'; connects to `value` and returns the client and the log. */
async function own<H, Out, P>(definition: TopicDefinition<H, Out, P>, Topic: new () => H, value: string): Promise<{ c: Recorder; logged: string[] }> {
  const logged: string[] = [];
  const [prefix, param] = definition.pattern.replace(/[{}]/g, '').split(':') as [string, string];
  const s = createChanxServer([mountTopicRoute(definition, Topic, { key: `${prefix}_route`, address: `/ws/${prefix}/{${param}}` })], {
    logger: { error: (m) => void logged.push(m) },
  });
  opened.push(s);
  const c = await connect(`ws://127.0.0.1:${await s.listen(0, '127.0.0.1')}/ws/${prefix}/${value}`);
  return { c, logged };
}

const later = <T>(value: T): Promise<T> => new Promise((r) => setTimeout(() => r(value), 5));
const UNAUTHORIZED = {
  action: 'error',
  payload: { reason: 'unauthorized', detail: "Not authorized to subscribe to 'room:lobby'" },
  version: 1,
  topic: 'room:lobby',
};

it.each([
  ['authorize says no', () => false, UNAUTHORIZED, ''],
  ['authorize says no later', () => later(false), UNAUTHORIZED, ''],
  [
    'authorize throws',
    () => {
      throw new Error('auth down');
    },
    UNAUTHORIZED,
    "topic room_topic: authorize failed for 'room:lobby': Error: auth down",
  ],
  ['authorize rejects', () => Promise.reject(new Error('auth down')), UNAUTHORIZED, "topic room_topic: authorize failed for 'room:lobby': Error: auth down"],
  [
    'the class cannot be made',
    'constructor',
    { action: 'error', payload: { detail: 'Failed to process message for subscribe' }, version: 1, topic: 'room:lobby' },
    "topic room_topic: could not create its class for 'room:lobby': Error: no database",
  ],
] as const)('when %s, the client gets the error frame, then the close 1008 "Topic subscription refused"', async (_how, authorize, frame, log) => {
  class Refusing extends Room {
    constructor() {
      super();
      if (authorize === 'constructor') throw new Error('no database');
    }
    authorize(): boolean | Promise<boolean> {
      return (authorize as () => boolean | Promise<boolean>)();
    }
  }
  const { c, logged } = await own(roomTopic, Refusing, 'lobby');
  expect(await c.nextJson()).toEqual(frame);
  // What is logged is logged before the error frame goes out.
  expect(logged.map((l) => l.split('\n')[0])).toEqual(log === '' ? [] : [log]);
  expect(await c.closed).toEqual([1008, 'Topic subscription refused']);
});

it.each([
  ['a parameter with a colon (no instance of the pattern)', 'a:b', 'unknown_topic', "Unknown topic 'room:a:b'"],
  [
    'a parameter that makes the name longer than MAX_TOPIC_LENGTH',
    'x'.repeat(MAX_TOPIC_LENGTH),
    'unauthorized',
    `Topic names are at most ${MAX_TOPIC_LENGTH} characters`,
  ],
])('with %s, the client gets %s, then the close 1008, and no instance is made or asked', async (_how, value, reason, detail) => {
  let asked = 0;
  class Asking extends Room {
    authorize(): boolean {
      asked++;
      return true;
    }
  }
  const before = created;
  const { c, logged } = await own(roomTopic, Asking, value);
  expect(await c.nextJson()).toEqual({
    action: 'error',
    payload: { reason, detail },
    version: 1,
    topic: `room:${value}`,
  });
  expect(await c.closed).toEqual([1008, 'Topic subscription refused']);
  expect([created - before, asked, logged]).toEqual([0, 0, []]);
});

it.each([
  ['no hooks', undefined, undefined],
  ['a synchronous authorize and onSubscribe', () => true, (ctx: HubRoomContext) => ctx.send({ action: 'room_event', payload: { text: 'welcome' } })],
  ['an asynchronous authorize', () => later(true), undefined],
  [
    'an asynchronous onSubscribe',
    undefined,
    async (ctx: HubRoomContext) => ctx.send(await later({ action: 'room_event', payload: { text: 'welcome' } } as const)),
  ],
])('with %s that accept, the connection is subscribed and stays open, and nothing is logged', async (_how, authorize, onSubscribe) => {
  class Accepting extends Room {
    authorize = authorize;
    onSubscribe = onSubscribe;
  }
  const { c, logged } = await own(roomTopic, Accepting, 'lobby');
  expect(await c.nextJson()).toEqual({ action: 'subscribed', payload: null, version: 1, topic: 'room:lobby' });
  if (onSubscribe !== undefined) expect(await c.nextJson()).toEqual({ action: 'room_event', payload: { text: 'welcome' }, version: 1, topic: 'room:lobby' });
  c.ws.send(JSON.stringify({ action: 'post', payload: { text: 'hi' }, ref: 'p' }));
  expect(await c.nextJson()).toEqual({ action: 'posted', payload: { text: 'hi' }, version: 1, topic: 'room:lobby', ref: 'p' });
  expect(logged).toEqual([]);
  c.ws.close();
});

/** A topic whose messages have no discriminator, as generated: every frame goes to its one handler. */
interface FeedHandlers {
  onNote(message: { text: string }, ctx: TopicContext<{ text: string }, { id: string }>): { text: string };
}
const feedTopic: TopicDefinition<FeedHandlers, { text: string }, { id: string }> = {
  name: 'feed_topic',
  pattern: 'feed:{id}',
  discriminator: null,
  route: (message, handlers, ctx) => handlers.onNote(message as { text: string }, ctx),
};

it('a topic whose messages have no discriminator answers, and a failing handler is named after the topic', async () => {
  class Feed implements FeedHandlers {
    onNote(message: { text: string }): { text: string } {
      if (message.text === 'fail') throw new Error('feed broke');
      return { text: message.text.toUpperCase() };
    }
  }
  const { c, logged } = await own(feedTopic, Feed, 'news');
  expect(await c.nextJson()).toEqual({ action: 'subscribed', payload: null, version: 1, topic: 'feed:news' });
  c.ws.send(JSON.stringify({ text: 'hi', ref: 'a' }));
  expect(await c.nextJson()).toEqual({ text: 'HI', version: 1, topic: 'feed:news', ref: 'a' });
  c.ws.send(JSON.stringify({ text: 'fail', ref: 'b' }));
  expect(await c.nextJson()).toEqual({
    action: 'error',
    payload: { detail: 'Failed to process message for feed_topic' },
    version: 1,
    topic: 'feed:news',
    ref: 'b',
  });
  expect(logged.map((l) => l.split('\n')[0])).toEqual(["topic feed_topic ('feed:news'): handler for feed_topic failed: Error: feed broke"]);
  c.ws.close();
});

it('refuses to mount a route whose address leaves a parameter of the topic unfilled', () => {
  expect(() => mountTopicRoute(roomTopic, Room, { key: 'room_route', address: '/ws/room' })).toThrow(
    new TypeError("mountTopicRoute: address /ws/room has no {room_name} for topic room_topic ('room:{room_name}')"),
  );
});
