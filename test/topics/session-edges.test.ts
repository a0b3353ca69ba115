/**
 * A hub's topic subscriptions at their edges (DESIGN §10), over real ws: what a topic class that
 * throws, refuses late or fails in a hook does to the client and the log, subscribing twice or past
 * the limit, a client that leaves while authorize is still deciding, and what a topic's context
 * offers its handlers (topic, params, request, connection, publish within its own pattern only), and
 * that sync and async handlers and hooks answer alike, in the order the frames came.
 */
import { afterEach, expect, it } from 'vitest';
import { createChanxServer, hostTopic, mount, type ChanxServer, type ServerOptions } from 'chanx-gen/runtime';
import { HubConsumer } from '../fixtures/client-topics/expected/hub/consumer.js';
import { hubChannel } from '../fixtures/client-topics/expected/hub/router.js';
import { roomTopic } from '../fixtures/client-topics/expected/hub_room/router.js';
import type { HubRoomContext, HubRoomHandlers, HubRoomParams } from '../fixtures/client-topics/expected/hub_room/handlers.js';
import type * as M from '../fixtures/client-topics/expected/hub_room/messages.js';
import { MAX_SUBSCRIPTIONS, MAX_TOPIC_LENGTH } from '../../src/runtime/topics/session.js';
import { topicGroup } from '../../src/runtime/topics/topic.js';
import { connect, quietFor, type Recorder } from '../helpers/ws-client.js';
import { gate, until } from '../runtime/serve.js';

type RoomClass = new () => HubRoomHandlers;

const open: { server: ChanxServer; clients: Recorder[] }[] = [];
afterEach(async () => {
  for (const { server, clients } of open.splice(0)) {
    for (const c of clients) c.ws.terminate();
    await server.close();
  }
});

/** A hub on 127.0.0.1 hosting room:{room_name} with `Room`; returns a client factory and the log. */
async function hub(Room: RoomClass, options: ServerOptions = {}): Promise<{ client(): Promise<Recorder>; logged: string[]; server: ChanxServer }> {
  const logged: string[] = [];
  const server = createChanxServer([mount(hubChannel, HubConsumer, [hostTopic(roomTopic, Room)])], {
    logger: { error: (m) => void logged.push(m) },
    ...options,
  });
  const port = await server.listen(0, '127.0.0.1');
  const entry = { server, clients: [] as Recorder[] };
  open.push(entry);
  return {
    logged,
    server,
    client: async () => {
      const c = await connect(`ws://127.0.0.1:${port}/ws/hub`);
      entry.clients.push(c);
      return c;
    },
  };
}

const send = (c: Recorder, frame: object) => c.ws.send(JSON.stringify(frame));
const subscribe = (c: Recorder, room: string, ref?: string) => send(c, { action: 'subscribe', topic: `room:${room}`, ...(ref === undefined ? {} : { ref }) });
const subscribed = (room: string, ref?: string) => ({
  action: 'subscribed',
  payload: null,
  version: 1,
  topic: `room:${room}`,
  ...(ref === undefined ? {} : { ref }),
});
const post = (c: Recorder, room: string, text: string, ref?: string) =>
  send(c, { action: 'post', topic: `room:${room}`, payload: { text }, ...(ref === undefined ? {} : { ref }) });

class Echo implements HubRoomHandlers {
  onPost(message: M.Post): M.Posted {
    return { action: 'posted', payload: message.payload };
  }
}

it('a second subscribe to the same room answers subscribed again, without a second instance or onSubscribe', async () => {
  let created = 0;
  let hooks = 0;
  class Counted extends Echo {
    constructor() {
      super();
      created++;
    }
    onSubscribe(): void {
      hooks++;
    }
  }
  const { client } = await hub(Counted);
  const c = await client();
  subscribe(c, 'a', 'r1');
  expect(await c.nextJson()).toEqual(subscribed('a', 'r1'));
  subscribe(c, 'a', 'r2');
  expect(await c.nextJson()).toEqual(subscribed('a', 'r2'));
  expect([created, hooks]).toEqual([1, 1]);
});

it('a topic class whose constructor throws: the subscriber gets an error for subscribe, the cause is logged, the connection works on', async () => {
  let fail = true;
  class Fragile extends Echo {
    constructor() {
      super();
      if (fail) throw new Error('no database');
    }
  }
  const { client, logged } = await hub(Fragile);
  const c = await client();
  subscribe(c, 'a', 'r1');
  expect(await c.nextJson()).toEqual({
    action: 'error',
    payload: { detail: 'Failed to process message for subscribe' },
    version: 1,
    topic: 'room:a',
    ref: 'r1',
  });
  expect(logged).toHaveLength(1);
  expect(logged[0]).toContain("topic room_topic: could not create its class for 'room:a': Error: no database");
  post(c, 'a', 'x');
  expect(await c.nextJson()).toMatchObject({ action: 'error', payload: { reason: 'not_subscribed' } });
  fail = false;
  subscribe(c, 'a');
  expect(await c.nextJson()).toEqual(subscribed('a'));
});

it.each([
  [
    'throws',
    () => {
      throw new Error('auth down');
    },
  ],
  ['rejects', () => Promise.reject(new Error('auth down'))],
])('authorize that %s refuses the subscription as unauthorized and logs why', async (_how, authorize) => {
  class Guarded extends Echo {
    authorize(): boolean | Promise<boolean> {
      return authorize();
    }
  }
  const { client, logged } = await hub(Guarded);
  const c = await client();
  subscribe(c, 'a', 'r1');
  expect(await c.nextJson()).toEqual({
    action: 'error',
    payload: { reason: 'unauthorized', detail: "Not authorized to subscribe to 'room:a'" },
    version: 1,
    topic: 'room:a',
    ref: 'r1',
  });
  expect(logged).toHaveLength(1);
  expect(logged[0]).toContain("topic room_topic: authorize failed for 'room:a': Error: auth down");
  post(c, 'a', 'x');
  expect(await c.nextJson()).toMatchObject({ action: 'error', payload: { reason: 'not_subscribed' } });
});

it('authorize may answer later: subscribed, then what an async onSubscribe pushes, in that order', async () => {
  class Late extends Echo {
    async authorize(params: HubRoomParams): Promise<boolean> {
      await new Promise((r) => setTimeout(r, 5));
      return params.room_name !== 'closed';
    }
    async onSubscribe(ctx: HubRoomContext): Promise<void> {
      await new Promise((r) => setTimeout(r, 5));
      ctx.send({ action: 'room_event', payload: { text: `welcome to ${ctx.params.room_name}` } });
    }
  }
  const { client } = await hub(Late);
  const c = await client();
  subscribe(c, 'lobby', 'r1');
  expect(await c.nextJson()).toEqual(subscribed('lobby', 'r1'));
  expect(await c.nextJson()).toEqual({ action: 'room_event', payload: { text: 'welcome to lobby' }, version: 1, topic: 'room:lobby' });
  subscribe(c, 'closed');
  expect(await c.nextJson()).toMatchObject({ action: 'error', payload: { reason: 'unauthorized' }, topic: 'room:closed' });
});

it('a failing onSubscribe or onUnsubscribe is logged, never sent; the subscription is made and ended all the same', async () => {
  class Clumsy extends Echo {
    onSubscribe(): void {
      throw new Error('hello failed');
    }
    onUnsubscribe(): Promise<void> {
      return Promise.reject(new Error('bye failed'));
    }
  }
  const { client, logged } = await hub(Clumsy);
  const c = await client();
  const other = await client();
  subscribe(c, 'a');
  expect(await c.nextJson()).toEqual(subscribed('a'));
  post(c, 'a', 'hi', 'p');
  expect(await c.nextJson()).toEqual({ action: 'posted', payload: { text: 'hi' }, version: 1, topic: 'room:a', ref: 'p' });
  send(c, { action: 'unsubscribe', topic: 'room:a', ref: 'u' });
  expect(await c.nextJson()).toEqual({ action: 'unsubscribed', payload: null, version: 1, topic: 'room:a', ref: 'u' });
  expect(logged.map((l) => l.split('\n')[0])).toEqual([
    "topic room_topic: onSubscribe failed for 'room:a': Error: hello failed",
    "topic room_topic: onUnsubscribe failed for 'room:a': Error: bye failed",
  ]);
  // Left the room's group: a broadcast to the room no longer reaches it.
  subscribe(other, 'a');
  expect(await other.nextJson()).toEqual(subscribed('a'));
  expect(await quietFor(c, 100)).toEqual([]);
});

it('a client that leaves while authorize is deciding is never subscribed: no onSubscribe, no member left behind', async () => {
  const decision = gate();
  let hooks = 0;
  class Slow extends Echo {
    async authorize(): Promise<boolean> {
      await decision.promise;
      return true;
    }
    onSubscribe(): void {
      hooks++;
    }
  }
  const { client, server } = await hub(Slow);
  const c = await client();
  subscribe(c, 'a');
  await new Promise((r) => setTimeout(r, 20));
  c.ws.close();
  await c.closed;
  await new Promise((r) => setTimeout(r, 20));
  decision.open();
  await new Promise((r) => setTimeout(r, 20));
  expect(hooks).toBe(0);
  expect(server.groups.size(topicGroup('room_topic', 'room:a'))).toBe(0);
});

it('what a topic handler gets in its context: topic, params, the upgrade request when kept, connection, ref', async () => {
  const seen: unknown[] = [];
  class Inspecting extends Echo {
    onPost(message: M.Post, ctx: HubRoomContext): M.Posted {
      seen.push({ topic: ctx.topic, params: ctx.params, url: ctx.request.url, same: ctx.connection.id === ctx.id, ref: ctx.ref });
      return super.onPost(message);
    }
  }
  const { client, logged } = await hub(Inspecting, { keepUpgradeRequest: true });
  const c = await client();
  subscribe(c, 'blue');
  await c.nextJson();
  post(c, 'blue', 'x', 'q1');
  expect([await c.nextJson(), logged]).toEqual([{ action: 'posted', payload: { text: 'x' }, version: 1, topic: 'room:blue', ref: 'q1' }, []]);
  expect(seen).toEqual([{ topic: 'room:blue', params: { room_name: 'blue' }, url: '/ws/hub', same: true, ref: 'q1' }]);
});

it('publish reaches the subscribers of another room of the same topic, and refuses a name outside its pattern', async () => {
  class Relay extends Echo {
    onPost(message: M.Post, ctx: HubRoomContext): M.Posted {
      ctx.publish(message.payload.text, { action: 'room_event', payload: { text: `from ${ctx.topic}` } }, { seq: 7 });
      return super.onPost(message);
    }
  }
  const { client, logged } = await hub(Relay);
  const a = await client();
  const b = await client();
  subscribe(a, 'a');
  subscribe(b, 'b');
  expect(await a.nextJson()).toEqual(subscribed('a'));
  expect(await b.nextJson()).toEqual(subscribed('b'));
  post(a, 'a', 'room:b');
  expect(await b.nextJson()).toEqual({ action: 'room_event', payload: { text: 'from room:a' }, version: 1, topic: 'room:b', seq: 7 });
  expect(await a.nextJson()).toMatchObject({ action: 'posted' });
  post(a, 'a', 'lobby:b', 'bad');
  expect(await a.nextJson()).toEqual({ action: 'error', payload: { detail: 'Failed to process message for post' }, version: 1, topic: 'room:a', ref: 'bad' });
  await until(() => logged.length === 1);
  expect(logged[0]).toContain("'lobby:b' is not a topic of room_topic ('room:{room_name}')");
  expect(await quietFor(b, 50)).toEqual([]);
});

it(`refuses subscription number ${MAX_SUBSCRIPTIONS + 1} on one connection, with the request's ref`, async () => {
  const { client } = await hub(Echo);
  const c = await client();
  for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) subscribe(c, `r${i}`);
  for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) await c.next();
  subscribe(c, 'one-more', 'm');
  expect(await c.nextJson()).toEqual({
    action: 'error',
    payload: { reason: 'unauthorized', detail: `Too many subscriptions on this connection (at most ${MAX_SUBSCRIPTIONS})` },
    version: 1,
    topic: 'room:one-more',
    ref: 'm',
  });
});

it(`refuses a topic name longer than ${MAX_TOPIC_LENGTH} characters before any pattern or hook sees it, with the request's ref`, async () => {
  let asked = 0;
  class Asking extends Echo {
    authorize(): boolean {
      asked++;
      return true;
    }
  }
  const { client } = await hub(Asking);
  const c = await client();
  const longest = 'x'.repeat(MAX_TOPIC_LENGTH - 'room:'.length);
  subscribe(c, longest, 'fits');
  expect(await c.nextJson()).toEqual(subscribed(longest, 'fits'));
  subscribe(c, `${longest}y`, 'long');
  expect(await c.nextJson()).toEqual({
    action: 'error',
    payload: { reason: 'unauthorized', detail: `Topic names are at most ${MAX_TOPIC_LENGTH} characters` },
    version: 1,
    topic: `room:${longest}y`,
    ref: 'long',
  });
  expect(asked).toBe(1);
});

it('a topic handler whose answer cannot be sent gets the error frame, logged; one that closes the connection closes it', async () => {
  class Odd extends Echo {
    override onPost(message: M.Post, ctx: HubRoomContext): M.Posted {
      if (message.payload.text === 'bye') ctx.close(4002, 'closed by the room');
      return { action: 'posted', payload: { text: 10n as unknown as string } };
    }
  }
  const { client, logged } = await hub(Odd);
  const c = await client();
  subscribe(c, 'a');
  await c.nextJson();
  post(c, 'a', 'x', 'q');
  expect(await c.nextJson()).toEqual({ action: 'error', payload: { detail: 'Failed to process message for post' }, version: 1, topic: 'room:a', ref: 'q' });
  await until(() => logged.length === 1);
  expect(logged[0]).toMatch(/^topic room_topic \('room:a'\): handler for post failed: TypeError: .*BigInt/);
  post(c, 'a', 'bye');
  expect(await c.closed).toEqual([4002, 'closed by the room']);
});

const later = <T>(value: T): Promise<T> => new Promise((r) => setTimeout(() => r(value), 5));

it.each([
  ['synchronous', (answer: () => unknown) => answer()],
  ['asynchronous', (answer: () => unknown) => later(null).then(answer)],
])(
  '%s topic handlers: the reply goes out with topic and ref, nothing for undefined or null, an error frame and a log line when it fails',
  async (_how, answerWith) => {
    class Moody implements HubRoomHandlers {
      onPost(message: M.Post): M.Posted {
        const text = message.payload.text;
        return answerWith(() => {
          if (text === 'fail') throw new Error('room broke');
          if (text === 'none') return undefined;
          if (text === 'null') return null;
          return { action: 'posted', payload: { text } };
        }) as M.Posted;
      }
    }
    const { client, logged } = await hub(Moody);
    const c = await client();
    subscribe(c, 'a');
    expect(await c.nextJson()).toEqual(subscribed('a'));
    post(c, 'a', 'none', 'n1');
    post(c, 'a', 'null', 'n2');
    post(c, 'a', 'hi', 'p1');
    // Frames of one connection are handled in order: the first answer is the third frame's.
    expect(await c.nextJson()).toEqual({ action: 'posted', payload: { text: 'hi' }, version: 1, topic: 'room:a', ref: 'p1' });
    post(c, 'a', 'fail', 'f');
    expect(await c.nextJson()).toEqual({ action: 'error', payload: { detail: 'Failed to process message for post' }, version: 1, topic: 'room:a', ref: 'f' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("topic room_topic ('room:a'): handler for post failed: Error: room broke");
    post(c, 'a', 'again', 'p2');
    expect(await c.nextJson()).toEqual({ action: 'posted', payload: { text: 'again' }, version: 1, topic: 'room:a', ref: 'p2' });
  },
);

it.each([
  ['synchronous', (allowed: boolean) => allowed],
  ['asynchronous', (allowed: boolean) => later(allowed)],
])('a frame sent right behind subscribe waits for %s authorize and an async onSubscribe: subscribed, the welcome, then its answer', async (_how, decide) => {
  class Welcoming extends Echo {
    authorize(): boolean | Promise<boolean> {
      return decide(true);
    }
    async onSubscribe(ctx: HubRoomContext): Promise<void> {
      await later(null);
      ctx.send({ action: 'room_event', payload: { text: 'welcome' } });
    }
  }
  const { client, logged } = await hub(Welcoming);
  const c = await client();
  subscribe(c, 'a', 's');
  post(c, 'a', 'first', 'p');
  expect(await c.nextJson()).toEqual(subscribed('a', 's'));
  expect(await c.nextJson()).toEqual({ action: 'room_event', payload: { text: 'welcome' }, version: 1, topic: 'room:a' });
  expect(await c.nextJson()).toEqual({ action: 'posted', payload: { text: 'first' }, version: 1, topic: 'room:a', ref: 'p' });
  expect(logged).toEqual([]);
});

it('unsubscribe waits for an async onUnsubscribe: what it sends arrives before unsubscribed; then the room is not subscribed', async () => {
  class Polite extends Echo {
    async onUnsubscribe(ctx: HubRoomContext): Promise<void> {
      await later(null);
      ctx.send({ action: 'room_event', payload: { text: 'goodbye' } });
    }
  }
  const { client } = await hub(Polite);
  const c = await client();
  subscribe(c, 'a');
  expect(await c.nextJson()).toEqual(subscribed('a'));
  send(c, { action: 'unsubscribe', topic: 'room:a', ref: 'u' });
  post(c, 'a', 'late', 'p');
  expect(await c.nextJson()).toEqual({ action: 'room_event', payload: { text: 'goodbye' }, version: 1, topic: 'room:a' });
  expect(await c.nextJson()).toEqual({ action: 'unsubscribed', payload: null, version: 1, topic: 'room:a', ref: 'u' });
  expect(await c.nextJson()).toEqual({
    action: 'error',
    payload: { reason: 'not_subscribed', detail: "Not subscribed to 'room:a'" },
    version: 1,
    topic: 'room:a',
    ref: 'p',
  });
});
