/**
 * Chanx's FastAPI sandbox, replayed with several clients and completion frames on (issue 22): its
 * document generated into a scratch folder, its room chat, background jobs and room topic written in
 * TypeScript the way the sandbox's Python is (test/fixtures/sandbox-flows: broadcast instead of
 * return, an internal event type, fields left to their defaults), compiled under strict with no
 * cast, and served on one process and on two sharing a real redis-server.
 *
 * The expected frames are what Chanx 2.10's source says each flow produces (no recording has them,
 * see chanx-research): websocket.py handle_json sends the reply then `complete`; a group message is
 * followed by `group_complete` in each receiving consumer; receive_event sends the handler's frames
 * then `event_complete`; a topic event's frames and its `event_complete` carry version, topic and
 * seq (send_topic_json); a frame to a topic is answered, then `complete`, stamped with topic and ref.
 * Chanx fills every default when it dumps a model (`status: "PENDING"`, `room_name: null`).
 */
import { copyFileSync, cpSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelEvents, publishTopic, RedisLayer, type ChanxServer } from 'chanx-gen/runtime';
import { cli, ROOT, scratch } from '../helpers/cli.js';
import { SHARED } from '../helpers/corpus.js';
import { redisRunnable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { requireOrSkip } from '../helpers/require.js';
import { tsc } from '../helpers/tsc.js';
import { connect, quietFor, type Recorder } from '../helpers/ws-client.js';
import { subscribers } from '../redis/wait.js';

const SANDBOX = path.join(SHARED, 'chanx/fastapi-sandbox.asyncapi.json');
const FIXTURES = path.join(ROOT, 'test/fixtures/sandbox-flows');

const C = { action: 'complete', payload: null };
const G = { action: 'group_complete', payload: null };
const E = { action: 'event_complete', payload: null };

/** The sandbox generated with the fixtures over its stubs; returns the scratch folder. */
async function buildSandbox(): Promise<string> {
  const dir = scratch();
  cpSync(SANDBOX, path.join(dir, 'sandbox.json'));
  const run = await cli(['sandbox.json'], dir);
  if (run.code !== 0) throw new Error(`chanx-gen failed: ${run.stderr}`);
  const put = (fixture: string, to: string) => copyFileSync(path.join(FIXTURES, fixture), path.join(dir, 'generated', to));
  put('room-chat-consumer.ts', 'room_chat/consumer.ts');
  put('background-jobs-consumer.ts', 'background_jobs/consumer.ts');
  put('jobs.ts', 'background_jobs/jobs.ts');
  put('worker.ts', 'background_jobs/worker.ts');
  put('room-topic.ts', 'topic_hub_room_topic/topic.ts');
  return dir;
}

interface App {
  createServer(options: object): ChanxServer;
}

describe.skipIf(requireOrSkip(SANDBOX, existsSync(SANDBOX)))('the Chanx sandbox, several clients, completion frames on', () => {
  let dir: string;
  let server: ChanxServer;
  let base: string;
  let roomTopic: Parameters<typeof publishTopic>[1];
  const open: Recorder[] = [];
  const client = async (p: string, at = base): Promise<Recorder> => {
    const c = await connect(`${at}${p}`);
    open.push(c);
    return c;
  };
  const frames = async (c: Recorder, n: number): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(await c.nextJson());
    return out;
  };

  beforeAll(async () => {
    dir = await buildSandbox();
    const app = (await import(path.join(dir, 'generated/server.ts'))) as App;
    ({ roomTopic } = (await import(path.join(dir, 'generated/topic_hub_room_topic/router.ts'))) as { roomTopic: typeof roomTopic });
    server = app.createServer({ sendCompletion: true, logger: { error: () => undefined } });
    const { startWorker } = (await import(path.join(dir, 'generated/background_jobs/worker.ts'))) as { startWorker(server: ChanxServer): unknown };
    startWorker(server);
    base = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    for (const c of open) c.ws.close();
    await server?.close();
  });

  it('compiles the sandbox-style consumers under strict with no cast; the event types refuse what they should', async () => {
    const config = path.join(dir, 'generated/tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, noUnusedLocals: true, types: ['node'] },
        include: ['.'],
      }),
    );
    expect((await tsc(['-p', config])).output).toBe('');
  }, 180_000);

  it("room chat: the sender gets complete, then the room's notification (defaults filled) and group_complete; others the notification and group_complete", async () => {
    const a = await client('/ws/room/lobby');
    const b = await client('/ws/room/lobby');
    a.ws.send('{"action":"ping"}');
    expect(await frames(a, 2)).toEqual([{ action: 'pong', payload: null }, C]);
    a.ws.send(JSON.stringify({ action: 'room_chat', payload: { message: 'hello' } }));
    const notification = { action: 'room_notification', payload: { message: '💬 hello', room_name: 'lobby', status: 'PENDING' } };
    expect(await frames(a, 3)).toEqual([C, notification, G]);
    expect(await frames(b, 2)).toEqual([notification, G]);
    expect(await quietFor(a, 80)).toEqual([]);
    expect(b.pending()).toEqual([]);
  });

  it("background job: the job's status and complete, later the worker's result through the consumer's own event type and event_complete", async () => {
    const a = await client('/ws/background_jobs');
    a.ws.send(JSON.stringify({ action: 'job', payload: { content: 'hi' } }));
    const [queued, done] = (await frames(a, 2)) as [{ payload: { job_id: string } }, unknown];
    expect(queued).toEqual({ action: 'job_status', payload: { status: 'queued', job_id: expect.stringMatching(/^job-/), type: 'default' } });
    expect(done).toEqual(C);
    expect(await frames(a, 2)).toEqual([{ action: 'job_status', payload: { status: 'completed', job_id: queued.payload.job_id, result: 'HI' } }, E]);
    // A failed job: the event handler returns nothing, and the client gets event_complete alone.
    a.ws.send(JSON.stringify({ action: 'job', payload: { content: 'fail', type: 'slow' } }));
    expect(await frames(a, 2)).toMatchObject([{ action: 'job_status', payload: { status: 'queued', type: 'slow' } }, C]);
    expect(await a.nextJson()).toEqual(E);
    expect(await quietFor(a, 50)).toEqual([]);
  });

  it('room topic: a post is answered with complete (stamped), then every subscriber gets the event and its event_complete, stamped with topic and seq', async () => {
    const a = await client('/ws/topics');
    const b = await client('/ws/topics');
    for (const c of [a, b]) {
      c.ws.send(JSON.stringify({ action: 'subscribe', topic: 'room:lobby', ref: 's' }));
      expect(await c.nextJson()).toEqual({ action: 'subscribed', payload: null, version: 1, topic: 'room:lobby', ref: 's' });
    }
    a.ws.send(JSON.stringify({ action: 'post', payload: { body: 'first' }, topic: 'room:lobby', ref: 'p1' }));
    const [done, event, eventDone] = (await frames(a, 3)) as [unknown, { seq: number }, unknown];
    expect(done).toEqual({ ...C, version: 1, topic: 'room:lobby', ref: 'p1' });
    const seq = event.seq;
    expect(event).toEqual({ action: 'room_event', payload: { body: 'first', author: 'anonymous' }, version: 1, topic: 'room:lobby', seq });
    expect(eventDone).toEqual({ ...E, version: 1, topic: 'room:lobby', seq });
    expect(await frames(b, 2)).toEqual([event, eventDone]);
    // An echo is answered to the asker only (its author filled in by default), then complete.
    b.ws.send(JSON.stringify({ action: 'echo', payload: { body: 'me' }, topic: 'room:lobby', ref: 'e1' }));
    expect(await frames(b, 2)).toEqual([
      { action: 'posted', payload: { body: 'me', author: 'anonymous' }, version: 1, topic: 'room:lobby', ref: 'e1' },
      { ...C, version: 1, topic: 'room:lobby', ref: 'e1' },
    ]);
    // From outside (Chanx's Topic.broadcast): no seq, none on event_complete either.
    publishTopic(server, roomTopic, 'room:lobby', { action: 'room_event', payload: { body: 'news' } });
    for (const c of [a, b]) {
      expect(await frames(c, 2)).toEqual([
        { action: 'room_event', payload: { body: 'news', author: 'anonymous' }, version: 1, topic: 'room:lobby' },
        { ...E, version: 1, topic: 'room:lobby' },
      ]);
    }
    expect(await quietFor(a, 50)).toEqual([]);
    expect(b.pending()).toEqual([]);
  });
});

describe.skipIf(requireOrSkip(SANDBOX, existsSync(SANDBOX)) || !redisRunnable)('the Chanx sandbox on two servers sharing Redis, completion frames on', () => {
  let redis: RedisServer;
  const layers: RedisLayer[] = [];
  const servers: ChanxServer[] = [];
  const bases: string[] = [];
  let dir: string;
  const open: Recorder[] = [];
  const client = async (at: string, p: string): Promise<Recorder> => {
    const c = await connect(`${at}${p}`);
    open.push(c);
    return c;
  };
  const frames = async (c: Recorder, n: number): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(await c.nextJson());
    return out;
  };
  const layer = async (): Promise<RedisLayer> => {
    const made = new RedisLayer({ url: redis.url, prefix: 'sbx:', logger: { error: () => undefined } });
    layers.push(made);
    await made.ready();
    return made;
  };

  beforeAll(async () => {
    redis = await startRedis();
    dir = await buildSandbox();
    const app = (await import(path.join(dir, 'generated/server.ts'))) as App;
    for (let i = 0; i < 2; i++) {
      const server = app.createServer({ layer: await layer(), sendCompletion: true, logger: { error: () => undefined } });
      servers.push(server);
      bases.push(`ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`);
    }
  });
  afterAll(async () => {
    for (const c of open) c.ws.close();
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(layers.map((l) => l.close()));
    await redis?.stop();
  });

  it('room chat across processes: the same frames, in the same order, for the sender and the member on the other process', async () => {
    const a = await client(bases[0]!, '/ws/room/far');
    const b = await client(bases[1]!, '/ws/room/far');
    await subscribers(redis.url, 'sbx:g:room_far', 2);
    a.ws.send(JSON.stringify({ action: 'room_chat', payload: { message: 'over there' } }));
    const notification = { action: 'room_notification', payload: { message: '💬 over there', room_name: 'far', status: 'PENDING' } };
    expect(await frames(a, 3)).toEqual([C, notification, G]);
    expect(await frames(b, 2)).toEqual([notification, G]);
  });

  it("a worker on a third process sends the job's result to the connection on another: the consumer's event type, then event_complete", async () => {
    // No server runs the worker: it has a layer of its own (a third process), typed by the consumer's class.
    const { backgroundJobsChannel } = (await import(path.join(dir, 'generated/background_jobs/router.ts'))) as {
      backgroundJobsChannel: Parameters<typeof channelEvents>[0];
    };
    const { BackgroundJobsConsumer } = (await import(path.join(dir, 'generated/background_jobs/consumer.ts'))) as { BackgroundJobsConsumer: new () => unknown };
    const { jobs } = (await import(path.join(dir, 'generated/background_jobs/jobs.ts'))) as {
      jobs: { process(run: (job: { id: string; content: string }, connectionId: string) => void): void };
    };
    const events = channelEvents(backgroundJobsChannel, await layer(), BackgroundJobsConsumer);
    jobs.process((job, connectionId) =>
      events.sendEvent({ action: 'job_result', payload: { job_id: job.id, result: job.content.toUpperCase() } }, connectionId),
    );
    const a = await client(bases[1]!, '/ws/background_jobs');
    a.ws.send(JSON.stringify({ action: 'job', payload: { content: 'remote' } }));
    const [queued, done] = (await frames(a, 2)) as [{ payload: { job_id: string } }, unknown];
    expect(done).toEqual(C);
    expect(await frames(a, 2)).toEqual([{ action: 'job_status', payload: { status: 'completed', job_id: queued.payload.job_id, result: 'REMOTE' } }, E]);
  });

  it("a topic post on one process reaches the other's subscribers, event and event_complete stamped with topic and seq", async () => {
    const a = await client(bases[0]!, '/ws/topics');
    const b = await client(bases[1]!, '/ws/topics');
    for (const c of [a, b]) {
      c.ws.send(JSON.stringify({ action: 'subscribe', topic: 'room:wide' }));
      expect(await c.nextJson()).toMatchObject({ action: 'subscribed', topic: 'room:wide' });
    }
    await subscribers(redis.url, 'sbx:g:topic:room_topic:room:wide', 2);
    a.ws.send(JSON.stringify({ action: 'post', payload: { body: 'far', author: 'ann' }, topic: 'room:wide' }));
    const [done, event, eventDone] = (await frames(a, 3)) as [unknown, { seq: number }, unknown];
    expect(done).toEqual({ ...C, version: 1, topic: 'room:wide' });
    expect(event).toEqual({ action: 'room_event', payload: { body: 'far', author: 'ann' }, version: 1, topic: 'room:wide', seq: event.seq });
    expect(eventDone).toEqual({ ...E, version: 1, topic: 'room:wide', seq: event.seq });
    expect(await frames(b, 2)).toEqual([event, eventDone]);
  });
});
