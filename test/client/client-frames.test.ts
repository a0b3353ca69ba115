/**
 * chanx-gen/client's handling of what a server sends (DESIGN §11), against a bare ws server on
 * 127.0.0.1: frames that do not match the document reach onInvalid (or console.warn) with a reason
 * and never a typed handler; messages without a discriminator are told apart by their schemas;
 * error frames go to the request, the topic or the client; `matchReplies: 'order'` pairs replies
 * without `ref` by kind and topic; a throwing handler neither stops the others nor vanishes; only a
 * string `topic` names a topic, and only a string discriminator names a message.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { ChanxClient, ChanxFrameError, ChanxTimeoutError, type ClientChannel, type ClientOptions } from 'chanx-gen/client';
import { fakeServer, type Fake, type FakeOptions, type Frame } from './fake-server.js';
import { mute, tagged, untagged, validator } from './channels.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(channel: ClientChannel, options: ClientOptions = {}, server: FakeOptions = {}): Promise<{ fake: Fake; client: ChanxClient }> {
  const fake = await fakeServer(server);
  cleanups.push(() => fake.stop());
  const client = await ChanxClient.open(fake.url, channel, undefined, options);
  cleanups.push(() => client.close());
  return { fake, client };
}

/** Resolves with the first message `on(name)` delivers. */
const first = (client: ChanxClient, name: string): Promise<unknown> =>
  new Promise((resolve) => {
    const stop = client.on(name, (m) => {
      stop();
      resolve(m);
    });
  });

it('gives every frame that does not match the document to onInvalid with its reason, and none to a handler', async () => {
  const problems: [unknown, string][] = [];
  const { fake, client } = await setup(tagged, { onInvalid: (frame, problem) => problems.push([frame, problem]) });
  const seen: unknown[] = [];
  for (const kind of ['echoed', 'bare', 'odd', 'posted']) client.on(kind, (m) => seen.push(m));
  const sentinel = first(client, 'pong');
  fake.push('[1,2]');
  fake.push('null');
  fake.push('42');
  fake.push({ action: 'bogus', payload: null });
  fake.push({ action: 'echoed', payload: { text: 5 } });
  fake.push({ action: 'bare', payload: null });
  fake.push({ action: 'odd', payload: null });
  fake.push({ action: 'posted', topic: 'elsewhere:1', payload: { body: 'x' } });
  fake.push({ action: 'pong', payload: null });
  expect(await sentinel).toEqual({ action: 'pong', payload: null });
  expect(seen).toEqual([]);
  expect(problems.map(([f]) => f)).toEqual([
    [1, 2],
    null,
    42,
    { action: 'bogus', payload: null },
    { action: 'echoed', payload: { text: 5 } },
    { action: 'bare', payload: null },
    { action: 'odd', payload: null },
    { action: 'posted', topic: 'elsewhere:1', payload: { body: 'x' } },
  ]);
  const [array, nul, num, bogus, echoed, bare, odd, elsewhere] = problems.map(([, p]) => p);
  expect(array).toMatch(/not a JSON object/);
  expect(nul).toBe(array);
  expect(num).toBe(array);
  // An unknown tag: the problem names it and every tag the channel knows.
  expect(bogus).toMatch(/'action' is "bogus", which is none of 'pong', 'echoed', 'bare', 'odd'$/);
  // A known tag whose schema fails: ajv's instancePath and message; the root is '/', no message is
  // 'is invalid', several are joined by '; '.
  expect(echoed).toBe('echoed: /payload/text must be string');
  expect(bare).toBe('bare: invalid');
  expect(odd).toBe('odd: / is invalid; /payload must be object');
  // A topic frame for a topic the channel does not host.
  expect(elsewhere).toBe("topic 'elsewhere:1' matches no topic of channel 'test'");
});

it('says so when a channel receives no messages at all', async () => {
  const problems: string[] = [];
  const { fake } = await setup(mute, { onInvalid: (_f, problem) => problems.push(problem) });
  fake.push({ action: 'anything' });
  await expect.poll(() => problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^'action' is "anything", which is none of nothing/);
});

it('without onInvalid, warns on the console with the channel and the reason', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const { fake } = await setup(tagged);
  fake.push('not json at all');
  await expect.poll(() => warn.mock.calls.length).toBe(1);
  const [message, frame] = warn.mock.calls[0]!;
  expect(message).toMatch(/\(test\).*does not match the document: not JSON$/);
  expect(frame).toBe('not json at all');
});

it('tells messages without a discriminator apart by their schemas, and refuses frames that match none or several', async () => {
  const problems: string[] = [];
  const { fake, client } = await setup(untagged, { onInvalid: (_f, problem) => problems.push(problem) });
  const greeting = first(client, 'greeting');
  const count = first(client, 'count');
  fake.push({ hello: 'there' });
  fake.push({ n: 3 });
  expect(await greeting).toEqual({ hello: 'there' });
  expect(await count).toEqual({ n: 3 });
  fake.push({ hello: 'x', n: 1 });
  fake.push({ other: true });
  // This channel hosts no topics at all.
  fake.push({ hello: 'x', topic: 'room:a' });
  await expect.poll(() => problems).toHaveLength(3);
  expect(problems[0]).toBe('it matches several messages: greeting, count');
  expect(problems[1]).toBe('it matches no message here');
  expect(problems[2]).toBe("topic 'room:a' matches no topic of channel 'plain'");
});

it("a timeout names the request's tag, or says 'the request' when messages have none", async () => {
  const { client } = await setup(tagged, { timeout: 30 });
  const tagged1 = await client.request({ action: 'ping' }).catch((e: unknown) => e);
  expect(tagged1).toBeInstanceOf(ChanxTimeoutError);
  expect((tagged1 as Error).message).toBe("no reply to 'ping' within 30 ms");
  // On a tagged channel, a request without its tag.
  const tagless = await client.request({ payload: null }).catch((e: unknown) => e);
  expect((tagless as Error).message).toBe('no reply to the request within 30 ms');
  const { client: plain } = await setup(untagged);
  const untagged1 = await plain.request({ hello: 'x' }, { timeout: 20 }).catch((e: unknown) => e);
  expect((untagged1 as Error).message).toBe('no reply to the request within 20 ms');
});

it('sends error frames to the topic that has error listeners, else to the client; never to both', async () => {
  const { fake, client } = await setup(tagged);
  const clientErrors: unknown[] = [];
  client.on('error', (e) => clientErrors.push(e));
  const room = client.topic('room:{room_name}', { room_name: 'a' });
  const roomErrors: unknown[] = [];
  const stop = room.on('error', (e) => roomErrors.push(e));
  const refusal = { action: 'error', payload: { reason: 'unauthorized' }, topic: 'room:a' };
  // A topic frame nobody listens for is no error.
  fake.push({ action: 'posted', topic: 'room:a', payload: { body: 'unheard' } });
  fake.push(refusal);
  await expect.poll(() => roomErrors).toEqual([refusal]);
  // Another topic without error listeners: the client's.
  const other = { action: 'error', payload: { detail: 'x' }, topic: 'room:b' };
  fake.push(other);
  await expect.poll(() => clientErrors).toEqual([other]);
  stop();
  fake.push(refusal);
  await expect.poll(() => clientErrors).toEqual([other, refusal]);
  expect(roomErrors).toEqual([refusal]);
});

it('a topic handle stamps what it sends with the topic', async () => {
  const { fake, client } = await setup(tagged);
  client.topic('room:{room_name}', { room_name: 'a b' }).send({ action: 'post', payload: { body: 'x' } });
  await expect.poll(() => fake.frames).toEqual([{ action: 'post', payload: { body: 'x' }, topic: 'room:a b' }]);
  expect(() => client.topic('room:{room_name}', { room: 'a' })).toThrow(/room_name/);
});

it("matchReplies 'order' pairs topic replies without ref by kind, and error frames with the oldest request", async () => {
  const held: Frame[] = [];
  const answer = (f: Frame): Frame[] => {
    const topic = f['topic'];
    if (f['action'] === 'ping') return [{ action: 'error', payload: [{ type: 'missing', loc: ['x'], msg: 'Field required' }] }];
    if (f['action'] === 'stray') return [{ action: 'posted', topic, payload: { body: 'x' } }];
    held.push(f);
    if (held.length < 2) return [];
    // Both asked: answer the second one first, and never with `ref` (as Chanx on some frames).
    return [
      { action: 'answer', topic, payload: { value: 42 } },
      { action: 'posted', topic, payload: { body: 'hi' } },
    ];
  };
  const problems: string[] = [];
  const { client } = await setup(tagged, { matchReplies: 'order', timeout: 2000, onInvalid: (_f, p) => problems.push(p) }, { answer });
  const room = client.topic('room:{room_name}', { room_name: 'a' });
  const [posted, answered] = await Promise.all([room.request({ action: 'post', payload: { body: 'hi' } }), room.request({ action: 'ask', payload: {} })]);
  expect(posted).toEqual({ action: 'posted', topic: 'room:a', payload: { body: 'hi' } });
  expect(answered).toEqual({ action: 'answer', topic: 'room:a', payload: { value: 42 } });
  // An error frame fails the oldest request, though it is none of the replies (pong) listed for it.
  const failed = await client.request({ action: 'ping' }).catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(ChanxFrameError);
  expect((failed as ChanxFrameError).frame?.payload).toEqual([{ type: 'missing', loc: ['x'], msg: 'Field required' }]);
  // A reply on a topic the document does not have fails its request, and the client goes on.
  const stray = await client.request({ action: 'stray', topic: 'nowhere:1' }).catch((e: unknown) => e);
  expect(stray).toBeInstanceOf(ChanxFrameError);
  expect((stray as Error).message).toMatch(/nowhere:1/);
  expect(problems).toEqual(["topic 'nowhere:1' matches no topic of channel 'test'"]);
});

/** Runs `body` with what would be uncaught exceptions collected in `thrown` instead of failing the run. */
async function catchingUncaught(body: (thrown: unknown[]) => Promise<void>): Promise<void> {
  const thrown: unknown[] = [];
  const vitestHandlers = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', (err) => thrown.push(err));
  try {
    await body(thrown);
  } finally {
    process.removeAllListeners('uncaughtException');
    for (const h of vitestHandlers) process.on('uncaughtException', h);
  }
}

it('a handler that throws does not stop the other handlers, and its error is not swallowed', async () => {
  const { fake, client } = await setup(tagged);
  const boom = new Error('handler failed');
  await catchingUncaught(async (thrown) => {
    client.on('pong', () => {
      throw boom;
    });
    const second = first(client, 'pong');
    fake.push({ action: 'pong', payload: null });
    expect(await second).toEqual({ action: 'pong', payload: null });
    await expect.poll(() => thrown).toEqual([boom]);
  });
});

it('an onInvalid that throws neither stalls the connection nor keeps a request from failing, and its error is not swallowed', async () => {
  const boom = new Error('onInvalid failed');
  const onInvalid = () => {
    throw boom;
  };
  const { fake, client } = await setup(tagged, { onInvalid, timeout: 2000 }, { answer: (f) => [{ action: 'pong', payload: 'not null', ref: f['ref'] }] });
  await catchingUncaught(async (thrown) => {
    const failed = await client.request({ action: 'ping' }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ChanxFrameError);
    const pong = first(client, 'pong');
    fake.push({ action: 'pong', payload: null });
    expect(await pong).toEqual({ action: 'pong', payload: null });
    await expect.poll(() => thrown).toEqual([boom]);
  });
});

it("matchReplies 'order' never takes a topic's frame as the reply to a request outside that topic", async () => {
  const answer = (f: Frame): Frame[] =>
    f['action'] === 'ping'
      ? [
          { action: 'posted', topic: 'room:a', payload: { body: 'news' } },
          { action: 'pong', payload: null },
        ]
      : [];
  const { client } = await setup(tagged, { matchReplies: 'order', timeout: 2000 }, { answer });
  const posted: unknown[] = [];
  client.topic('room:{room_name}', { room_name: 'a' }).on('posted', (m) => posted.push(m));
  expect(await client.request({ action: 'ping' })).toEqual({ action: 'pong', payload: null });
  expect(posted).toEqual([{ action: 'posted', topic: 'room:a', payload: { body: 'news' } }]);
});

it('a topic parameter matches up to the next colon, and the whole name must match the pattern', async () => {
  const problems: string[] = [];
  const { fake, client } = await setup(tagged, { onInvalid: (_f, p) => problems.push(p) });
  const posted: unknown[] = [];
  client.topic('room:{room_name}', { room_name: 'a-1.b' }).on('posted', (m) => posted.push(m));
  for (const topic of ['room:a:b', 'xroom:a', 'room:', 'room:a-1.b']) fake.push({ action: 'posted', topic, payload: { body: topic } });
  await expect.poll(() => posted.length + problems.length).toBe(4);
  expect(posted).toEqual([{ action: 'posted', topic: 'room:a-1.b', payload: { body: 'room:a-1.b' } }]);
  expect(problems.map((p) => /'([^']*)'/.exec(p)![1])).toEqual(['room:a:b', 'xroom:a', 'room:']);
});

it("matchReplies 'order' pairs the channel's own replies without ref by kind, whatever order they come in", async () => {
  const held: Frame[] = [];
  const answer = (f: Frame): Frame[] => {
    held.push(f);
    return held.length < 2
      ? []
      : [
          { action: 'echoed', payload: { text: 'hi' } },
          { action: 'pong', payload: null },
        ];
  };
  const { client } = await setup(tagged, { matchReplies: 'order', timeout: 2000 }, { answer });
  const [pong, echoed] = await Promise.all([client.request({ action: 'ping' }), client.request({ action: 'say', payload: { text: 'hi' } })]);
  expect(pong).toEqual({ action: 'pong', payload: null });
  expect(echoed).toEqual({ action: 'echoed', payload: { text: 'hi' } });
});

it("a `topic` that is not a string names no topic: the frame is the channel's own", async () => {
  // As in a document whose own messages carry a numeric `topic` field.
  const answer = (f: Frame): Frame[] => (f['action'] === 'ping' ? [{ action: 'pong', payload: null, topic: f['topic'] }] : []);
  const { fake, client } = await setup(tagged, { matchReplies: 'order', timeout: 2000 }, { answer });
  expect(await client.request({ action: 'ping', topic: 7 })).toEqual({ action: 'pong', payload: null, topic: 7 });
  const pongs: unknown[] = [];
  client.on('pong', (m) => pongs.push(m));
  const sentinel = first(client, 'echoed');
  fake.push({ action: 'pong', payload: null, topic: 7 });
  fake.push({ action: 'echoed', payload: { text: 'last' } });
  await sentinel;
  expect(pongs).toEqual([{ action: 'pong', payload: null, topic: 7 }]);
});

it("escapes a topic pattern's other characters: each matches only itself", async () => {
  const room = tagged.topics![0]!;
  const channel: ClientChannel = { ...tagged, topics: [{ ...room, pattern: 'room.v1+:{room_name}' }] };
  const problems: string[] = [];
  const { fake, client } = await setup(channel, { onInvalid: (_f, p) => problems.push(p) });
  const posted: unknown[] = [];
  client.topic('room.v1+:{room_name}', { room_name: 'a' }).on('posted', (m) => posted.push(m));
  for (const topic of ['roomXv1:a', 'room.v11:a', 'room.v1+:a']) fake.push({ action: 'posted', topic, payload: { body: topic } });
  await expect.poll(() => posted.length + problems.length).toBe(3);
  expect(posted).toEqual([{ action: 'posted', topic: 'room.v1+:a', payload: { body: 'room.v1+:a' } }]);
  expect(problems).toEqual(["topic 'roomXv1:a' matches no topic of channel 'test'", "topic 'room.v11:a' matches no topic of channel 'test'"]);
});

it('a discriminator that is not a string names no message, even one whose name it spells', async () => {
  // Messages numbered as strings ("1", "2"); the server sends the number 1.
  const numbered: ClientChannel = {
    key: 'numbered',
    address: '/ws/test',
    sendField: 'type',
    receiveField: 'type',
    receives: {
      '1': validator((f) => f['type'] === '1', [{ instancePath: '/type', message: 'must be equal to constant' }]),
      '2': validator((f) => f['type'] === '2'),
    },
    replies: {},
  };
  const problems: string[] = [];
  const { fake, client } = await setup(numbered, { onInvalid: (_f, p) => problems.push(p) });
  const seen: unknown[] = [];
  client.on('1', (m) => seen.push(m));
  fake.push({ type: 1 });
  fake.push({ type: '1' });
  await expect.poll(() => problems.length + seen.length).toBe(2);
  expect(problems).toEqual(["'type' is 1, which is none of '1', '2'"]);
  expect(seen).toEqual([{ type: '1' }]);
});

it("matchReplies 'order' names a reply without discriminator by its schema, and a topic's reply by the topic's own field", async () => {
  // Requests tagged by `action`; the channel's replies told apart by their schemas; the topic's tagged.
  const mixed: ClientChannel = { ...untagged, sendField: 'action', replies: { hello: ['greeting'], tally: ['count'] }, topics: tagged.topics! };
  const held: Frame[] = [];
  const answer = (f: Frame): Frame[] => {
    const topic = f['topic'];
    held.push(f);
    if (held.filter((h) => h['topic'] === topic).length < 2) return [];
    // Both asked: answer the second one first, without ref.
    return topic === undefined
      ? [{ n: 2 }, { hello: 'there' }]
      : [
          { action: 'answer', topic, payload: { value: 42 } },
          { action: 'posted', topic, payload: { body: 'hi' } },
        ];
  };
  const { client } = await setup(mixed, { matchReplies: 'order', timeout: 2000 }, { answer });
  expect(await Promise.all([client.request({ action: 'hello' }), client.request({ action: 'tally' })])).toEqual([{ hello: 'there' }, { n: 2 }]);
  const room = client.topic('room:{room_name}', { room_name: 'a' });
  const [posted, answered] = await Promise.all([room.request({ action: 'post', payload: { body: 'hi' } }), room.request({ action: 'ask', payload: {} })]);
  expect(posted).toEqual({ action: 'posted', topic: 'room:a', payload: { body: 'hi' } });
  expect(answered).toEqual({ action: 'answer', topic: 'room:a', payload: { value: 42 } });
});
