/**
 * Topics over real ws (DESIGN §10, issue 8): the whole Chanx FastAPI sandbox document generated into
 * a scratch folder, its room topic filled in as this test needs, compiled under strict nodenext,
 * and served: topic_hub with its two x-topic channels, the dedicated room_topic route, every channel.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishTopic, type ChanxServer, type TopicDefinition } from 'chanx-gen/runtime';
import { MAX_SUBSCRIPTIONS } from '../../src/runtime/topics/session.js';
import { cli, scratch, typecheck } from '../helpers/cli.js';
import { SHARED } from '../helpers/corpus.js';
import { requireOrSkip } from '../helpers/require.js';
import { connect, quietFor, type Recorder } from '../helpers/ws-client.js';

// Found as every test finds shared/ (a worktree or Stryker's sandbox has no ../shared of its own).
const SANDBOX = path.join(SHARED, 'chanx/fastapi-sandbox.asyncapi.json');

/** The room topic as this test fills it in: `secret` rooms refused, echo answered, posts broadcast, departures announced. */
const ROOM_TOPIC = `import type { TopicHubRoomTopicContext, TopicHubRoomTopicHandlers, TopicHubRoomTopicParams } from './handlers.js';
import type * as M from './messages.js';

export class RoomTopic implements TopicHubRoomTopicHandlers {
  private posts = 0;

  async authorize(params: TopicHubRoomTopicParams, _ctx: TopicHubRoomTopicContext): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return params.room_name !== 'secret';
  }

  onSubscribe(ctx: TopicHubRoomTopicContext): void {
    ctx.send({ action: 'room_event', payload: { body: 'welcome to ' + ctx.params.room_name, author: 'server' } });
  }

  onUnsubscribe(ctx: TopicHubRoomTopicContext): void {
    ctx.broadcast({ action: 'room_event', payload: { body: 'left', author: ctx.id } }, { excludeSelf: true });
  }

  onEcho(message: M.EchoMessage, _ctx: TopicHubRoomTopicContext): M.PostedMessage {
    if (message.payload.body === 'boom') throw new Error('echo failed on purpose');
    return { action: 'posted', payload: message.payload };
  }

  async onPost(message: M.PostMessage, ctx: TopicHubRoomTopicContext): Promise<void> {
    this.posts += 1;
    ctx.broadcast({ action: 'room_event', payload: message.payload }, { seq: this.posts });
  }
}
`;

describe.skipIf(requireOrSkip(SANDBOX, existsSync(SANDBOX)))('topics of the Chanx sandbox document', () => {
  let dir: string;
  let server: ChanxServer;
  let base: string;
  let presenceTopic: TopicDefinition<unknown, { action: 'presence_changed'; payload: { user: string; online: boolean } }, unknown>;
  const open: Recorder[] = [];

  const client = async (p: string): Promise<Recorder> => {
    const c = await connect(`${base}${p}`);
    open.push(c);
    return c;
  };
  const subscribe = async (c: Recorder, topic: string, ref: string): Promise<unknown> => {
    c.ws.send(JSON.stringify({ action: 'subscribe', topic, ref }));
    return c.nextJson();
  };

  beforeAll(async () => {
    dir = scratch();
    cpSync(SANDBOX, path.join(dir, 'sandbox.json'));
    const first = await cli(['sandbox.json'], dir);
    expect(first.stderr).not.toContain('error');
    expect(first.code).toBe(0);
    writeFileSync(path.join(dir, 'generated/topic_hub_room_topic/topic.ts'), ROOM_TOPIC);
    const { createServer } = (await import(path.join(dir, 'generated/server.ts'))) as { createServer: typeof import('../../generated/server.js').createServer };
    ({ presenceTopic } = (await import(path.join(dir, 'generated/topic_hub_presence_topic/router.ts'))) as { presenceTopic: typeof presenceTopic });
    server = createServer({ logger: { error: () => undefined } });
    base = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    for (const c of open) c.ws.close();
    await server?.close();
  });

  it('generates one topic class per topic, keeps it on regeneration, and the whole tree compiles', async () => {
    const again = await cli(['sandbox.json'], dir);
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(dir, 'generated/topic_hub_room_topic/topic.ts'), 'utf8')).toBe(ROOM_TOPIC);
    // The dedicated route documents the same topic: it is typed, and served by the hosted topic's class.
    expect(existsSync(path.join(dir, 'generated/room_topic/messages.ts'))).toBe(true);
    expect(existsSync(path.join(dir, 'generated/room_topic/topic.ts'))).toBe(false);
    const serverTs = readFileSync(path.join(dir, 'generated/server.ts'), 'utf8');
    expect(serverTs).toContain('mount(topicHubChannel, TopicHubConsumer, [hostTopic(presenceTopic, PresenceTopic), hostTopic(roomTopic, RoomTopic)])');
    expect(serverTs).toContain("mountTopicRoute(roomTopic, RoomTopic, { key: 'room_topic', address: '/ws/topics/room/{room_name}' })");
    expect((await cli(['sandbox.json', '--check'], dir)).code).toBe(0);
    expect(await typecheck(path.join(dir, 'generated'))).toBe('');
  }, 120_000);

  it('serves every channel of the document: each answers ping', async () => {
    for (const p of ['/ws/chat', '/ws/reliable', '/ws/notifications', '/ws/analytics', '/ws/system', '/ws/background_jobs', '/ws/room/lobby', '/ws/topics']) {
      const c = await client(p);
      c.ws.send('{"action":"ping"}');
      expect(await c.nextJson(), p).toEqual({ action: 'pong', payload: null });
    }
  });

  it('subscribes with its ref, pushes onSubscribe without one, and answers a topic message with ref, topic and version', async () => {
    const c = await client('/ws/topics');
    expect(await subscribe(c, 'room:lobby', '1')).toEqual({ version: 1, topic: 'room:lobby', ref: '1', action: 'subscribed', payload: null });
    expect(await c.nextJson()).toEqual({ version: 1, topic: 'room:lobby', action: 'room_event', payload: { body: 'welcome to lobby', author: 'server' } });
    c.ws.send(JSON.stringify({ version: 1, topic: 'room:lobby', ref: '2', action: 'echo', payload: { body: 'hi', author: 'alice' } }));
    expect(await c.nextJson()).toEqual({ version: 1, topic: 'room:lobby', ref: '2', action: 'posted', payload: { body: 'hi', author: 'alice' } });
    // The hub's own handlers still take frames that name no topic.
    c.ws.send('{"action":"ping"}');
    expect(await c.nextJson()).toEqual({ action: 'pong', payload: null });
  });

  it('stamps validation errors and handler failures with the topic and ref', async () => {
    const c = await client('/ws/topics');
    await subscribe(c, 'room:errors', 'a');
    await c.nextJson();
    c.ws.send(JSON.stringify({ topic: 'room:errors', ref: 'b', action: 'echo', payload: {} }));
    expect(await c.nextJson()).toEqual({
      version: 1,
      topic: 'room:errors',
      ref: 'b',
      action: 'error',
      payload: [{ type: 'missing', loc: ['echo', 'payload', 'body'], msg: 'Field required' }],
    });
    c.ws.send(JSON.stringify({ topic: 'room:errors', ref: 'c', action: 'nope' }));
    const tagError = (await c.nextJson()) as { payload: { type: string }[]; ref: string };
    expect([tagError.ref, tagError.payload[0]?.type]).toEqual(['c', 'union_tag_invalid']);
    c.ws.send(JSON.stringify({ topic: 'room:errors', ref: 'd', action: 'echo', payload: { body: 'boom' } }));
    expect(await c.nextJson()).toEqual({
      version: 1,
      topic: 'room:errors',
      ref: 'd',
      action: 'error',
      payload: { detail: 'Failed to process message for echo' },
    });
  });

  it('delivers a broadcast from another connection to every subscriber of the topic instance, with seq', async () => {
    const alice = await client('/ws/topics');
    const bob = await client('/ws/topics');
    const carol = await client('/ws/topics');
    for (const [c, room] of [
      [alice, 'room:b'],
      [bob, 'room:b'],
      [carol, 'room:other'],
    ] as const) {
      await subscribe(c, room, 's');
      await c.nextJson();
    }
    bob.ws.send(JSON.stringify({ topic: 'room:b', ref: 'p1', action: 'post', payload: { body: 'hello', author: 'bob' } }));
    const pushed = { version: 1, topic: 'room:b', seq: 1, action: 'room_event', payload: { body: 'hello', author: 'bob' } };
    expect(await alice.nextJson()).toEqual(pushed);
    expect(await bob.nextJson()).toEqual(pushed);
    expect(await quietFor(carol, 100)).toEqual([]);
  });

  it('refuses a subscription authorize denies with reason unauthorized, and the topic stays closed to that connection', async () => {
    const c = await client('/ws/topics');
    expect(await subscribe(c, 'room:secret', '9')).toEqual({
      version: 1,
      topic: 'room:secret',
      ref: '9',
      action: 'error',
      payload: { reason: 'unauthorized', detail: "Not authorized to subscribe to 'room:secret'" },
    });
    c.ws.send(JSON.stringify({ topic: 'room:secret', ref: '10', action: 'echo', payload: { body: 'x' } }));
    expect(await c.nextJson()).toMatchObject({ ref: '10', action: 'error', payload: { reason: 'not_subscribed' } });
  });

  it('unsubscribes with its ref, stops delivering, and answers not_subscribed to topic messages afterwards', async () => {
    const leaver = await client('/ws/topics');
    const stayer = await client('/ws/topics');
    for (const c of [leaver, stayer]) {
      await subscribe(c, 'room:u', 's');
      await c.nextJson();
    }
    leaver.ws.send(JSON.stringify({ topic: 'room:u', ref: 'u1', action: 'unsubscribe' }));
    expect(await leaver.nextJson()).toEqual({ version: 1, topic: 'room:u', ref: 'u1', action: 'unsubscribed', payload: null });
    // onUnsubscribe ran before leaving: the others heard of it.
    expect(await stayer.nextJson()).toMatchObject({ topic: 'room:u', action: 'room_event', payload: { body: 'left' } });
    stayer.ws.send(JSON.stringify({ topic: 'room:u', action: 'post', payload: { body: 'after' } }));
    expect(await stayer.nextJson()).toMatchObject({ action: 'room_event', payload: { body: 'after' } });
    expect(await quietFor(leaver, 100)).toEqual([]);
    leaver.ws.send(JSON.stringify({ topic: 'room:u', ref: 'u2', action: 'echo', payload: { body: 'still there?' } }));
    expect(await leaver.nextJson()).toEqual({
      version: 1,
      topic: 'room:u',
      ref: 'u2',
      action: 'error',
      payload: { reason: 'not_subscribed', detail: "Not subscribed to 'room:u'" },
    });
    // Unsubscribing is idempotent, as in Chanx.
    leaver.ws.send(JSON.stringify({ topic: 'room:u', ref: 'u3', action: 'unsubscribe' }));
    expect(await leaver.nextJson()).toEqual({ version: 1, topic: 'room:u', ref: 'u3', action: 'unsubscribed', payload: null });
  });

  it('runs onUnsubscribe when a subscriber disconnects, and leaves the group', async () => {
    const goner = await client('/ws/topics');
    const stayer = await client('/ws/topics');
    for (const c of [goner, stayer]) {
      await subscribe(c, 'room:d', 's');
      await c.nextJson();
    }
    goner.ws.close();
    expect(await stayer.nextJson()).toMatchObject({ topic: 'room:d', action: 'room_event', payload: { body: 'left' } });
    await goner.closed;
    stayer.ws.send(JSON.stringify({ topic: 'room:d', action: 'post', payload: { body: 'anyone?' } }));
    expect(await stayer.nextJson()).toMatchObject({ payload: { body: 'anyone?' } });
  });

  it('answers unknown_topic to a subscription no pattern matches; other frames to it are not subscribed, as in Chanx', async () => {
    const c = await client('/ws/topics');
    expect(await subscribe(c, 'nope:1', 'k')).toEqual({
      version: 1,
      topic: 'nope:1',
      ref: 'k',
      action: 'error',
      payload: { reason: 'unknown_topic', detail: "Unknown topic 'nope:1'" },
    });
    // A parameter stops at ':' as in Chanx, so `room:a:b` is no room.
    expect(await subscribe(c, 'room:a:b', 'l')).toMatchObject({ ref: 'l', payload: { reason: 'unknown_topic' } });
    c.ws.send(JSON.stringify({ topic: 'nope:1', ref: 'm', action: 'echo', payload: { body: 'x' } }));
    expect(await c.nextJson()).toMatchObject({ ref: 'm', action: 'error', payload: { reason: 'not_subscribed' } });
    // The envelope is checked before anything else: a topic that is not a string is the envelope's error.
    c.ws.send(JSON.stringify({ topic: 5, ref: 'n', action: 'subscribe' }));
    expect(await c.nextJson()).toEqual({
      action: 'error',
      payload: [{ type: 'string_type', loc: ['topic'], msg: 'Input should be a valid string' }],
      ref: 'n',
    });
  });

  it('publishes to a topic from outside any connection, through the group layer, with seq', async () => {
    const c = await client('/ws/topics');
    expect(await subscribe(c, 'presence:alice', 'x')).toMatchObject({ action: 'subscribed', topic: 'presence:alice' });
    publishTopic(server, presenceTopic, 'presence:alice', { action: 'presence_changed', payload: { user: 'alice', online: true } }, { seq: 7 });
    expect(await c.nextJson()).toEqual({ version: 1, topic: 'presence:alice', seq: 7, action: 'presence_changed', payload: { user: 'alice', online: true } });
    expect(() => publishTopic(server, presenceTopic, 'room:x', { action: 'presence_changed', payload: { user: 'a', online: false } })).toThrow(
      /not a topic of presence_topic/,
    );
  });

  it('bounds the subscriptions of one connection', async () => {
    const c = await client('/ws/topics');
    for (let i = 0; i <= MAX_SUBSCRIPTIONS; i++) c.ws.send(JSON.stringify({ action: 'subscribe', topic: `presence:u${i}`, ref: String(i) }));
    const answers = [];
    for (let i = 0; i <= MAX_SUBSCRIPTIONS; i++) answers.push((await c.nextJson()) as { action: string; ref: string; payload: unknown });
    expect(answers.slice(0, -1).every((a, i) => a.action === 'subscribed' && a.ref === String(i))).toBe(true);
    expect(answers.at(-1)).toMatchObject({ action: 'error', ref: String(MAX_SUBSCRIPTIONS), payload: { reason: 'unauthorized' } });
  });

  it('serves the topic on its dedicated route: connecting subscribes, frames need no envelope, and the group is shared', async () => {
    const direct = await client('/ws/topics/room/shared');
    expect(await direct.nextJson()).toEqual({ version: 1, topic: 'room:shared', action: 'subscribed', payload: null });
    expect(await direct.nextJson()).toMatchObject({ topic: 'room:shared', action: 'room_event', payload: { body: 'welcome to shared' } });
    direct.ws.send(JSON.stringify({ action: 'echo', payload: { body: 'plain' } }));
    expect(await direct.nextJson()).toEqual({ version: 1, topic: 'room:shared', action: 'posted', payload: { body: 'plain', author: 'anonymous' } });

    const hub = await client('/ws/topics');
    await subscribe(hub, 'room:shared', 'h');
    await hub.nextJson();
    hub.ws.send(JSON.stringify({ topic: 'room:shared', action: 'post', payload: { body: 'from the hub' } }));
    expect(await direct.nextJson()).toMatchObject({ topic: 'room:shared', action: 'room_event', payload: { body: 'from the hub' } });
    expect(await hub.nextJson()).toMatchObject({ payload: { body: 'from the hub' } });
  });

  it('closes a dedicated route whose subscription authorize refuses, after saying why', async () => {
    const c = await client('/ws/topics/room/secret');
    expect(await c.nextJson()).toEqual({
      version: 1,
      topic: 'room:secret',
      action: 'error',
      payload: { reason: 'unauthorized', detail: "Not authorized to subscribe to 'room:secret'" },
    });
    expect((await c.closed)[0]).toBe(1008);
  });
});
