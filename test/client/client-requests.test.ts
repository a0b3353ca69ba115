/**
 * What a request of chanx-gen/client becomes (DESIGN §11) against a bare ws server on 127.0.0.1:
 * each frame carries a fresh `ref`; without a connection it fails at once; close() and a dropped
 * connection fail what is pending with the close code and reason; `action: 'error'` without an
 * object payload is no error frame.
 */
import { afterEach, expect, it } from 'vitest';
import { ChanxClient, ChanxClosedError, ChanxFrameError, type ClientOptions } from 'chanx-gen/client';
import { fakeServer, type Fake, type FakeOptions } from './fake-server.js';
import { tagged } from './channels.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: ClientOptions = {}, server: FakeOptions = {}): Promise<{ fake: Fake; client: ChanxClient }> {
  const fake = await fakeServer(server);
  cleanups.push(() => fake.stop());
  const client = await ChanxClient.open(fake.url, tagged, undefined, options);
  cleanups.push(() => client.close());
  return { fake, client };
}

it('stamps every request with its own ref and resolves with the reply that carries it', async () => {
  const { fake, client } = await setup({}, { answer: (f) => [{ action: 'pong', payload: null, ref: f['ref'] }] });
  const replies = await Promise.all([client.request({ action: 'ping' }), client.request({ action: 'ping' })]);
  const refs = fake.frames.map((f) => f['ref']);
  // Numbered from 1 per client, in the order the requests were made.
  expect(refs).toEqual(['r1', 'r2']);
  expect(replies).toEqual(refs.map((ref) => ({ action: 'pong', payload: null, ref })));
});

it("drops a reply that comes after its request timed out: it is that request's, never given to on()", async () => {
  const { fake, client } = await setup();
  const heard: unknown[] = [];
  client.on('pong', (m) => heard.push(m));
  await expect(client.request({ action: 'ping' }, { timeout: 50 })).rejects.toThrow(/within 50 ms/);
  const ref = fake.frames[0]!['ref'];
  fake.push({ action: 'pong', payload: null, ref });
  fake.push({ action: 'pong', payload: null });
  await expect.poll(() => heard).toEqual([{ action: 'pong', payload: null }]);
});

it('fails at once without a connection, and close() fails what is pending with its code and reason', async () => {
  const { fake, client } = await setup({ timeout: 5000 });
  const pending = client.request({ action: 'ping' });
  await expect.poll(() => fake.frames).toHaveLength(1);
  const closing = client.close(4001, 'bye');
  expect(client.close()).toBe(closing);
  // Closing, not yet closed: nothing more can be sent.
  expect(() => client.send({ action: 'ping' })).toThrow(ChanxClosedError);
  const err = await pending.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ChanxClosedError);
  expect(err).toMatchObject({ name: 'ChanxClosedError', message: 'the client was closed', code: 4001, reason: 'bye' });
  await closing;
  await expect.poll(() => fake.closes).toEqual([[4001, 'bye']]);
  expect(client.state).toBe('closed');
  const refused = (() => {
    try {
      client.send({ action: 'ping' });
    } catch (e) {
      return e;
    }
  })();
  // No close frame is behind this one: code 0, no reason.
  expect(refused).toBeInstanceOf(ChanxClosedError);
  expect(refused).toMatchObject({ message: `not connected to ${fake.url}/ws/test`, code: 0, reason: '' });
  await expect(client.request({ action: 'ping' })).rejects.toThrow(ChanxClosedError);
});

it('close() without arguments closes normally (1000, no reason) and for good, even with reconnect on', async () => {
  const closes: [number, string][] = [];
  const { fake, client } = await setup({ reconnect: { initialDelay: 2 }, onClose: (code, reason) => closes.push([code, reason]) });
  const failed = client.request({ action: 'ping' }).catch((e: unknown) => e);
  await expect.poll(() => fake.frames).toHaveLength(1);
  await client.close();
  expect(await failed).toMatchObject({ name: 'ChanxClosedError', code: 1000, reason: '' });
  expect(closes).toEqual([[1000, '']]);
  expect(client.state).toBe('closed');
  await expect.poll(() => fake.closes).toEqual([[1000, '']]);
  // A reconnect would come within a few ms (a delay of 2 ms at most); wait well beyond that.
  await new Promise((r) => setTimeout(r, 100));
  expect(fake.attempts()).toBe(1);
  expect(client.state).toBe('closed');
});

it.each([undefined, false])('a dropped connection fails pending requests with its close code, and onClose hears it (reconnect: %s)', async (reconnect) => {
  const closes: [number, string][] = [];
  const { fake, client } = await setup({ reconnect, onClose: (code, reason) => closes.push([code, reason]) });
  const pending = client.request({ action: 'ping' });
  await expect.poll(() => fake.frames).toHaveLength(1);
  fake.drop();
  const err = (await pending.catch((e: unknown) => e)) as ChanxClosedError;
  expect(err).toBeInstanceOf(ChanxClosedError);
  expect(err.code).toBe(1006);
  expect(err.message).toBe('the connection closed (1006) before a reply came');
  expect(closes).toEqual([[1006, '']]);
  expect(client.state).toBe('closed');
});

it("a connection the server closes fails pending requests with the server's code and reason, in the message too", async () => {
  const { fake, client } = await setup();
  const pending = client.request({ action: 'ping' });
  await expect.poll(() => fake.frames).toHaveLength(1);
  fake.kick(4000, 'going away');
  const err = await pending.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ChanxClosedError);
  expect(err).toMatchObject({ message: 'the connection closed (4000 going away) before a reply came', code: 4000, reason: 'going away' });
});

it("an error frame says what the server answered; `action: 'error'` without an object payload is no error frame", async () => {
  const problems: unknown[] = [];
  const { fake, client } = await setup(
    { onInvalid: (frame) => problems.push(frame) },
    { answer: (f) => [{ action: 'error', payload: { detail: 'boom' }, ref: f['ref'] }] },
  );
  const errors: unknown[] = [];
  client.on('error', (e) => errors.push(e));
  const err = (await client.request({ action: 'ping' }).catch((e: unknown) => e)) as ChanxFrameError;
  expect(err).toBeInstanceOf(ChanxFrameError);
  expect(err.name).toBe('ChanxFrameError');
  expect(err.message).toBe('the server answered with an error: {"detail":"boom"}');
  // Made by hand (as a caller's own code may, to fail a request the same way), without a frame.
  expect(new ChanxFrameError(undefined).message).toBe('the server answered with an error: undefined');
  fake.push({ action: 'error', payload: null });
  fake.push({ action: 'error', payload: 'text' });
  await expect
    .poll(() => problems)
    .toEqual([
      { action: 'error', payload: null },
      { action: 'error', payload: 'text' },
    ]);
  expect(errors).toEqual([]);
});

it("by default only the frame carrying a request's ref answers it; others go to handlers", async () => {
  const { fake, client } = await setup(
    { timeout: 300 },
    {
      answer: (f) => [
        { action: 'pong', payload: null },
        { action: 'pong', payload: null, ref: 'someone-else' },
        { action: 'pong', payload: null, ref: f['ref'] },
      ],
    },
  );
  const seen: unknown[] = [];
  client.on('pong', (m) => seen.push(m));
  const reply = await client.request({ action: 'ping' });
  expect(reply).toEqual({ action: 'pong', payload: null, ref: fake.frames[0]!['ref'] });
  expect(seen).toEqual([
    { action: 'pong', payload: null },
    { action: 'pong', payload: null, ref: 'someone-else' },
  ]);
});
