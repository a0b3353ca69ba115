/**
 * The generated client (generated/system/client.ts) in Node, against the generated server on
 * 127.0.0.1: the welcome, request/reply matched by ref, many requests at once, error frames,
 * timeouts, invalid frames, close, and reconnect after the server restarts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { type AuthenticationFrame, ChanxClosedError, ChanxFrameError, ChanxTimeoutError } from 'chanx-gen/client';
import { createServer } from '../../generated/server.js';
import { connectSystem, type SystemClient } from '../../generated/system/client.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import { systemChannel } from '../../generated/system/router.js';
import { createChanxServer, mount, refuse, type ChanxServer } from 'chanx-gen/runtime';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(port = 0): Promise<{ server: ChanxServer; url: string; port: number }> {
  const server = createServer();
  const bound = await server.listen(port, '127.0.0.1');
  cleanups.push(() => server.close());
  return { server, url: `ws://127.0.0.1:${bound}`, port: bound };
}

async function client(url: string, options: Parameters<typeof connectSystem>[1] = {}): Promise<SystemClient> {
  const c = await connectSystem(url, options);
  cleanups.push(() => c.close());
  return c;
}

const next = <T>(subscribe: (fn: (m: T) => void) => () => void): Promise<T> =>
  new Promise((resolve) => {
    const stop = subscribe((m) => {
      stop();
      resolve(m);
    });
  });

describe('generated client in Node', () => {
  it('sees the welcome, and request resolves with the echo', async () => {
    const { url } = await serve();
    const c = await client(url);
    expect(await next((fn) => c.on('system_echo', fn))).toEqual({ action: 'system_echo', payload: { message: '🔧 System: Connection established!' } });
    const reply = await c.request({ action: 'user_message', payload: { message: 'Hello' } });
    expect(reply.action).toBe('system_echo');
    expect(reply.payload.message).toBe('🔧 System Echo: Hello');
    expect(await c.request({ action: 'ping' })).toMatchObject({ action: 'pong', payload: null });
    await c.close();
    expect(c.state).toBe('closed');
  });

  it('matches 20 concurrent requests to their own replies by ref', async () => {
    const { url } = await serve();
    const c = await client(url);
    const texts = Array.from({ length: 20 }, (_, i) => `message ${i}`);
    const replies = await Promise.all(texts.map((message) => c.request({ action: 'user_message', payload: { message } })));
    expect(replies.map((r) => r.payload.message)).toEqual(texts.map((t) => `🔧 System Echo: ${t}`));
    expect(new Set(replies.map((r) => (r as { ref?: string }).ref)).size).toBe(20);
  });

  it('rejects a request with the error frame that carries its ref, and keeps working', async () => {
    const { url } = await serve();
    const c = await client(url);
    const errors: unknown[] = [];
    c.on('error', (e) => errors.push(e));
    const bad = c.request({ action: 'user_message', payload: {} } as never);
    await expect(bad).rejects.toBeInstanceOf(ChanxFrameError);
    const err = (await bad.catch((e: unknown) => e)) as ChanxFrameError;
    expect(err.frame?.payload).toEqual([{ type: 'missing', loc: ['user_message', 'payload', 'message'], msg: 'Field required' }]);
    expect(errors).toEqual([]);
    // An error frame for no request goes to on('error').
    const unsolicited = next((fn) => c.on('error', fn));
    c.send({ action: 'nope' } as never);
    expect((await unsolicited).payload).toMatchObject([{ type: 'union_tag_invalid' }]);
    expect((await c.request({ action: 'user_message', payload: { message: 'still here' } })).payload.message).toBe('🔧 System Echo: still here');
  });

  it("takes Chanx's authentication frame as a refusal: onRefused, the waiting request's error, and no reconnect after a 4xx", async () => {
    let status = 401;
    let asked = 0;
    class Refusing extends SystemConsumer {
      authenticate() {
        asked++;
        return refuse(status, { detail: 'no token' });
      }
    }
    const server = createChanxServer([mount(systemChannel, Refusing)], { logger: { error: () => undefined } });
    const port = await server.listen(0, '127.0.0.1');
    cleanups.push(() => server.close());
    const refusals: AuthenticationFrame[] = [];
    const invalid: unknown[] = [];
    const options = {
      reconnect: { initialDelay: 10, maxDelay: 20 },
      onRefused: (f: AuthenticationFrame) => refusals.push(f),
      onInvalid: (f: unknown) => invalid.push(f),
    };
    const c = await client(`ws://127.0.0.1:${port}`, options);
    const waiting = c.request({ action: 'ping' }).catch((e: unknown) => e);
    const err = (await waiting) as ChanxClosedError;
    expect(err).toBeInstanceOf(ChanxClosedError);
    expect(err.message).toBe('the server refused the connection (401 Unauthorized)');
    expect(err.refusal).toEqual({ action: 'authentication', payload: { status_code: 401, status_text: 'Unauthorized', data: { detail: 'no token' } } });
    await expect.poll(() => refusals).toEqual([err.refusal]);
    expect(invalid).toEqual([]);
    // The same credentials would be refused again: no attempt is made.
    await expect.poll(() => c.state).toBe('closed');
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).toBe(1);

    // A 5xx is the server's trouble: the client tries again, as after any drop.
    status = 503;
    const again = await client(`ws://127.0.0.1:${port}`, options);
    await expect.poll(() => asked, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(refusals.at(-1)?.payload.status_code).toBe(503);
    await again.close();
  });

  it("takes Chanx's authentication frame with a 2xx status (an admission) quietly: neither a refusal nor an invalid frame", async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws/system' });
    await new Promise((r) => wss.once('listening', r));
    cleanups.push(() => new Promise((r) => wss.close(r)));
    wss.on('connection', (ws) => {
      ws.send(JSON.stringify({ action: 'authentication', payload: { status_code: 200, status_text: 'OK', data: { detail: 'OK' } } }));
      ws.on('message', () => ws.close(1012, 'restart'));
    });
    const refusals: unknown[] = [];
    const invalid: unknown[] = [];
    const c = await client(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`, {
      onRefused: (f) => refusals.push(f),
      onInvalid: (f) => invalid.push(f),
    });
    await new Promise((r) => setTimeout(r, 20)); // the frame has come and been taken
    const err = (await c.request({ action: 'ping' }).catch((e: unknown) => e)) as ChanxClosedError;
    expect([err.message, err.refusal]).toEqual(['the connection closed (1012 restart) before a reply came', undefined]);
    expect([refusals, invalid]).toEqual([[], []]);
  });

  it('fills in path parameters and fails on an unknown path', async () => {
    const { url } = await serve();
    await expect(connectSystem(`${url}/nowhere`)).rejects.toBeInstanceOf(ChanxClosedError);
  });
});

describe('the client against a server that misbehaves', () => {
  /** A bare ws server at /ws/system that answers each frame with `answer(frame)`. */
  async function fake(answer: (frame: Record<string, unknown>) => unknown[]): Promise<string> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws/system' });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) =>
      ws.on('message', (d) => {
        for (const f of answer(JSON.parse(String(d)) as Record<string, unknown>)) ws.send(typeof f === 'string' ? f : JSON.stringify(f));
      }),
    );
    cleanups.push(
      () =>
        new Promise((r) => {
          for (const ws of wss.clients) ws.terminate();
          wss.close(r);
        }),
    );
    return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  }

  it('sends invalid frames to onInvalid, never to a typed handler, and times out the request', async () => {
    const url = await fake((f) => ['not json', { action: 'system_echo', payload: { message: 42 }, ref: f['ref'] }]);
    const invalid: string[] = [];
    const c = await client(url, { onInvalid: (_frame, problem) => invalid.push(problem), timeout: 200 });
    const seen: unknown[] = [];
    c.on('system_echo', (m) => seen.push(m));
    const request = c.request({ action: 'user_message', payload: { message: 'x' } });
    await expect(request).rejects.toBeInstanceOf(ChanxFrameError);
    expect(invalid).toHaveLength(2);
    expect(invalid[1]).toMatch(/system_echo: \/payload\/message must be string/);
    expect(seen).toEqual([]);
  });

  it('times out a request nobody answers, and rejects pending ones when the connection drops', async () => {
    const url = await fake(() => []);
    const c = await client(url, { timeout: 100 });
    await expect(c.request({ action: 'ping' })).rejects.toBeInstanceOf(ChanxTimeoutError);
    const pending = c.request({ action: 'ping' }, { timeout: 5000 });
    void c.close();
    await expect(pending).rejects.toBeInstanceOf(ChanxClosedError);
  });

  it("matchReplies 'order' takes a reply without ref as the oldest pending request's (Chanx on non-topic frames)", async () => {
    const url = await fake((f) => [
      f['action'] === 'ping'
        ? { action: 'pong', payload: null }
        : { action: 'system_echo', payload: { message: `echo ${(f['payload'] as { message: string }).message}` } },
    ]);
    const c = await client(url, { matchReplies: 'order' });
    const [a, b, p] = await Promise.all([
      c.request({ action: 'user_message', payload: { message: 'a' } }),
      c.request({ action: 'user_message', payload: { message: 'b' } }),
      c.request({ action: 'ping' }),
    ]);
    expect([a.payload.message, b.payload.message, p.action]).toEqual(['echo a', 'echo b', 'pong']);
  });
});

it('reconnects with backoff after the server restarts', async () => {
  const first = await serve();
  let opens = 0;
  const c = await client(first.url, { reconnect: { initialDelay: 20, maxDelay: 200 }, onOpen: () => opens++ });
  expect(opens).toBe(1);
  await first.server.close();
  await expect.poll(() => c.state).toBe('reconnecting');
  await expect(c.request({ action: 'ping' })).rejects.toBeInstanceOf(ChanxClosedError);
  await serve(first.port);
  await expect.poll(() => opens, { timeout: 5000 }).toBe(2);
  expect(c.state).toBe('open');
  expect((await c.request({ action: 'user_message', payload: { message: 'again' } })).payload.message).toBe('🔧 System Echo: again');
});
