/**
 * chanx-gen/client's connection (DESIGN §11) against bare ws servers on 127.0.0.1: the URL it
 * connects to, upgrade headers, a socket that cannot even be made, giving up after `maxAttempts`
 * failed reconnects, close() while a reconnect is due, callbacks that throw, and what becomes of a
 * topic subscription the server refuses after a reconnect.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { ChanxClient, ChanxClosedError, channelUrl, type ClientOptions } from 'chanx-gen/client';
import { fakeServer, type Fake, type FakeOptions, type Frame } from './fake-server.js';
import { tagged } from './channels.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options: FakeOptions = {}): Promise<Fake> {
  const fake = await fakeServer(options);
  cleanups.push(() => fake.stop());
  return fake;
}

async function open(base: string, options: ClientOptions = {}, channel = tagged, params?: object): Promise<ChanxClient> {
  const client = await ChanxClient.open(base, channel, params, options);
  cleanups.push(() => client.close());
  return client;
}

it('joins an http(s) or ws base with the address, path parameters filled in and encoded', async () => {
  expect(channelUrl('https://example.test/base/', '/ws/{room}/{id}', { room: 'a b', id: '7/8' })).toBe('wss://example.test/base/ws/a%20b/7%2F8');
  expect(channelUrl('ws://127.0.0.1:1', '/ws/x', {})).toBe('ws://127.0.0.1:1/ws/x');
  // However many slashes the base ends with, one separates it from the address.
  expect(channelUrl('ws://example.test/base//', '/ws/x', {})).toBe('ws://example.test/base/ws/x');
  expect(() => channelUrl('ws://127.0.0.1:1', '/ws/{room}', {})).toThrow(new TypeError("path parameter 'room' of /ws/{room} is missing"));
  expect(() => channelUrl('ws://127.0.0.1:1', '/ws/{room}', { room: 5 } as never)).toThrow(TypeError);
  const fake = await server({ path: '/ws/room/lobby' });
  const client = await open(fake.url.replace('ws:', 'http:'), {}, { ...tagged, address: '/ws/room/{room}' }, { room: 'lobby' });
  expect(client.url).toBe(`${fake.url}/ws/room/lobby`);
  expect(client.state).toBe('open');
});

it('sends the headers it is given on the upgrade (Node only), and none it is not', async () => {
  const fake = await server();
  await open(fake.url, { headers: { 'x-token': 'secret' } });
  await open(fake.url);
  expect(fake.headers.map((h) => h['x-token'])).toEqual(['secret', undefined]);
});

it('uses the global WebSocket where there is one, as in a browser', async () => {
  const fake = await server();
  const made: string[] = [];
  class GlobalSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      made.push(url);
    }
  }
  vi.stubGlobal('WebSocket', GlobalSocket);
  const client = await open(fake.url);
  expect(made).toEqual([`${fake.url}/ws/test`]);
  expect(client.state).toBe('open');
});

it('rejects open with the URL and the close code when the server refuses the upgrade', async () => {
  const fake = await server({ accept: () => false });
  const err = await ChanxClient.open(fake.url, tagged, undefined, {}).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ChanxClosedError);
  expect(err).toMatchObject({ message: `could not connect to ${fake.url}/ws/test (close code 1006)`, code: 1006 });
});

it('rejects open when the socket cannot even be made', async () => {
  const fake = await server();
  const opening = ChanxClient.open(fake.url, tagged, undefined, { protocols: 'not a token' });
  const outcome = await Promise.race([
    opening.then(
      () => 'opened',
      (e: unknown) => e,
    ),
    new Promise((r) => setTimeout(() => r('still pending'), 1000)),
  ]);
  expect(outcome).toBeInstanceOf(SyntaxError);
  expect(fake.attempts()).toBe(0);
});

it('gives up after maxAttempts failed reconnects in a row, and is closed', async () => {
  const fake = await server({ accept: (attempt) => attempt === 1 });
  const closes: number[] = [];
  const client = await open(fake.url, { reconnect: { initialDelay: 2, factor: 1, maxAttempts: 3 }, onClose: (code) => closes.push(code) });
  fake.drop();
  await expect.poll(() => client.state).toBe('closed');
  // The first connection, then exactly three refused attempts.
  expect(fake.attempts()).toBe(4);
  expect(closes).toEqual([1006]);
});

it('counts a connection the server closes at once (a refusal after the upgrade) as a failed attempt: the backoff grows, no storm', async () => {
  const fake = await server({ closeAtOnce: (connection) => connection > 1 });
  const opened: number[] = [];
  const client = await open(fake.url, { reconnect: { initialDelay: 20, factor: 2, maxAttempts: 3 }, onOpen: () => opened.push(Date.now()) });
  fake.drop();
  await expect.poll(() => client.state, { timeout: 5000 }).toBe('closed');
  // The first connection, then three reconnects, each closed at once; the waits between them grow.
  expect(fake.attempts()).toBe(4);
  const waits = opened.slice(1).map((t, i) => t - opened[i]!);
  expect(waits).toHaveLength(3);
  expect(waits[2]!).toBeGreaterThan(waits[0]!);
});

it('never reconnects with maxAttempts 0: a drop closes it', async () => {
  const fake = await server();
  const closes: number[] = [];
  const client = await open(fake.url, { reconnect: { initialDelay: 2, maxAttempts: 0 }, onClose: (code) => closes.push(code) });
  fake.drop();
  await expect.poll(() => closes).toEqual([1006]);
  expect(client.state).toBe('closed');
  // A reconnect would come within a few ms (a delay of 2 ms at most); wait well beyond that.
  await new Promise((r) => setTimeout(r, 100));
  expect(fake.attempts()).toBe(1);
});

it('makes no attempt once close() comes while it waits to reconnect', async () => {
  const fake = await server();
  const states: string[] = [];
  // close() as soon as the drop has been handled: a reconnect is then due in 2 ms at most.
  const client: ChanxClient = await open(fake.url, {
    reconnect: { initialDelay: 2, factor: 1 },
    onClose: () =>
      void Promise.resolve().then(() => {
        states.push(client.state);
        return client.close();
      }),
  });
  fake.drop();
  await expect.poll(() => states).toEqual(['reconnecting']);
  expect(client.state).toBe('closed');
  await new Promise((r) => setTimeout(r, 100));
  expect(fake.attempts()).toBe(1);
  expect(client.state).toBe('closed');
});

it('reconnects and subscribes again though onClose, onOpen and another reopen hook throw, and their errors are not swallowed', async () => {
  const thrown: unknown[] = [];
  const vitestHandlers = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', (err) => thrown.push(err));
  cleanups.push(async () => {
    process.removeAllListeners('uncaughtException');
    for (const h of vitestHandlers) process.on('uncaughtException', h);
  });
  const fake = await server({
    answer: (f) => (f['action'] === 'subscribe' ? [{ action: 'subscribed', payload: null, topic: f['topic'], ref: f['ref'] }] : []),
  });
  let failing = true;
  const fail = (what: string) => () => {
    if (failing) throw new Error(`${what} failed`);
  };
  const client = await open(fake.url, { reconnect: { initialDelay: 2 }, onOpen: fail('onOpen'), onClose: fail('onClose') });
  client.onReopen(fail('a reopen hook'));
  await client.topic('room:{room_name}', { room_name: 'a' }).subscribe();
  fake.drop();
  await expect.poll(() => fake.frames.filter((f) => f['action'] === 'subscribe')).toHaveLength(2);
  expect(client.state).toBe('open');
  await expect.poll(() => thrown.map((e) => (e as Error).message)).toEqual(['onOpen failed', 'onClose failed', 'onOpen failed', 'a reopen hook failed']);
  failing = false;
});

/** A topic server that lets `room:a` be subscribed on the first connection only. */
function refusingLater(refuse: (f: Frame) => Frame[]): FakeOptions['answer'] {
  return (f, connection) => {
    if (f['action'] !== 'subscribe') return [];
    if (connection > 1) return refuse(f);
    return [{ action: 'subscribed', payload: null, topic: f['topic'], ref: f['ref'] }];
  };
}

const refusal = (f: Frame): Frame[] => [{ action: 'error', payload: { reason: 'unauthorized', detail: 'no longer' }, topic: f['topic'], ref: f['ref'] }];

it("a subscription refused after a reconnect reaches the topic's error listeners, else the client's", async () => {
  const fake = await server({ answer: refusingLater(refusal) });
  let opens = 0;
  const client = await open(fake.url, { reconnect: { initialDelay: 2 }, onOpen: () => opens++ });
  const clientErrors: unknown[] = [];
  client.on('error', (e) => clientErrors.push(e));
  const a = client.topic('room:{room_name}', { room_name: 'a' });
  const b = client.topic('room:{room_name}', { room_name: 'b' });
  await a.subscribe();
  await b.subscribe();
  const aErrors: unknown[] = [];
  a.on('error', (e) => aErrors.push(e));
  fake.drop();
  await expect.poll(() => opens).toBe(2);
  await expect.poll(() => aErrors.length + clientErrors.length).toBe(2);
  expect(aErrors).toEqual([expect.objectContaining({ action: 'error', topic: 'room:a', payload: { reason: 'unauthorized', detail: 'no longer' } })]);
  expect(clientErrors).toEqual([expect.objectContaining({ action: 'error', topic: 'room:b', payload: { reason: 'unauthorized', detail: 'no longer' } })]);
});

it('a subscription that cannot be made again for another reason is warned about on the console', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const fake = await server({ answer: refusingLater(() => []) });
  const client = await open(fake.url, { reconnect: { initialDelay: 2 }, timeout: 50 });
  const errors: unknown[] = [];
  client.on('error', (e) => errors.push(e));
  await client.topic('room:{room_name}', { room_name: 'a' }).subscribe();
  fake.drop();
  await expect.poll(() => warn.mock.calls.length).toBe(1);
  expect(warn.mock.calls[0]![0]).toMatch(/\(test\): could not subscribe to 'room:a' again: ChanxTimeoutError/);
  expect(errors).toEqual([]);
});

it('stays closed when close() comes while a reconnect attempt is under way', async () => {
  let release!: () => void;
  const held = new Promise<boolean>((r) => (release = () => r(true)));
  // The second upgrade (the first reconnect) waits until the client has been closed.
  const fake = await server({ accept: (attempt) => (attempt === 2 ? held : true) });
  let opens = 0;
  const client = await open(fake.url, { reconnect: { initialDelay: 2 }, onOpen: () => opens++ });
  fake.drop();
  await expect.poll(() => fake.attempts()).toBe(2);
  await client.close();
  release();
  await expect.poll(() => fake.headers.length).toBe(2);
  await expect.poll(() => fake.connected()).toBe(0);
  expect(client.state).toBe('closed');
  expect(opens).toBe(1);
  expect(fake.attempts()).toBe(2);
});

it('makes no further attempt when close() comes while a failing reconnect attempt is under way', async () => {
  let refuse!: () => void;
  const held = new Promise<boolean>((r) => (refuse = () => r(false)));
  const fake = await server({ accept: (attempt) => (attempt === 1 ? true : attempt === 2 ? held : false) });
  const client = await open(fake.url, { reconnect: { initialDelay: 2, factor: 1 } });
  fake.drop();
  await expect.poll(() => fake.attempts()).toBe(2);
  await client.close();
  refuse();
  // Another attempt would come within a few ms (delays of 2 ms at most); wait well beyond that.
  await new Promise((r) => setTimeout(r, 100));
  expect(fake.attempts()).toBe(2);
  expect(client.state).toBe('closed');
});

/** The delays the client waits before each reconnect attempt, with Math.random() at 0.5. */
function reconnectDelays(): number[] {
  const delays: number[] = [];
  const real = globalThis.setTimeout;
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    if (new Error().stack?.includes('scheduleReconnect') === true) delays.push(ms ?? 0);
    return real(fn, ms);
  }) as typeof setTimeout);
  return delays;
}

it('backs off by factor up to maxDelay, each delay jittered down by up to half', async () => {
  const fake = await server({ accept: (attempt) => attempt === 1 });
  const client = await open(fake.url, { reconnect: { initialDelay: 2, factor: 3, maxDelay: 30, maxAttempts: 4 } });
  const delays = reconnectDelays();
  fake.drop();
  await expect.poll(() => client.state).toBe('closed');
  // 2, 6, 18, then 54 capped at 30; at random 0.5 each is three quarters of that.
  expect(delays).toEqual([1.5, 4.5, 13.5, 22.5]);
});

it('by default waits 250 ms, then twice as long each time, never over 10 s', async () => {
  const delays = reconnectDelays();
  /** The delays of a client with `reconnect` whose server lets it connect once; it is closed once `until` of them have been asked for. */
  const run = async (reconnect: ClientOptions['reconnect'], until: number) => {
    delays.length = 0;
    const fake = await server({ accept: (attempt) => attempt === 1 });
    const client = await open(fake.url, { reconnect });
    fake.drop();
    await expect.poll(() => delays.length).toBe(until);
    await client.close();
    return [...delays];
  };
  expect(await run(true, 1)).toEqual([187.5]);
  expect(await run({ initialDelay: 2, maxAttempts: 3 }, 3)).toEqual([1.5, 3, 6]);
  expect(await run({ initialDelay: 20_000 }, 1)).toEqual([7500]);
});
