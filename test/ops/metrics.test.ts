/**
 * Issue 24: every metric moves as real clients make it move, labels come from the document only,
 * and what /metrics serves passes `promtool check metrics`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ChanxMetrics, serveMetrics } from 'chanx-gen/runtime';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { connect, type Recorder } from '../helpers/ws-client.js';
import { gate, serve, until, WELCOME, type Served } from '../runtime/serve.js';
import { metric, promtoolCheck, promtoolRunnable, samples } from './scrape.js';

/** Joins 'all'; user_message `fail` throws, `broadcast:<text>` goes to everyone else, `slow` waits for the gate. */
let held = gate();
class Busy extends SystemConsumer {
  override onConnect(ctx: SystemContext): void {
    ctx.join('all');
    super.onConnect(ctx);
  }
  override onUserMessage(message: M.UserMessage, ctx: SystemContext): M.SystemEchoMessage | Promise<M.SystemEchoMessage> {
    const text = message.payload.message;
    if (text === 'fail') throw new Error('handler down');
    if (text === 'slow') return held.promise.then(() => ({ action: 'system_echo', payload: { message: 'late' } }));
    if (!text.startsWith('broadcast:')) return super.onUserMessage(message, ctx);
    ctx.broadcast({ action: 'system_echo', payload: { message: text } }, { excludeSelf: true });
    return { action: 'system_echo', payload: { message: 'sent' } };
  }
}

let s: Served | undefined;
afterEach(async () => {
  held.open();
  held = gate();
  await s?.close();
  s = undefined;
});

async function scrape(): Promise<Map<string, number>> {
  return samples(await s!.server.metrics!.text());
}

/** Counts every frame a recorder receives from now on. */
function counted(r: Recorder): { n: number } {
  const c = { n: 0 };
  r.ws.on('message', () => c.n++);
  return c;
}

const ch = { channel: 'system' };

describe('metrics with real clients', () => {
  it('counts connections, frames by action and outcome, replies, broadcasts, handler time and rejections', async () => {
    s = await serve(Busy, { metrics: true });
    let m = await scrape();
    expect(metric(m, 'chanx_connections_open', ch)).toBe(0);
    const [a, b] = [await connect(s.url), await connect(s.url)];
    const got = [counted(a), counted(b)];
    expect(await a.next()).toBe(WELCOME);
    expect(await b.next()).toBe(WELCOME);
    m = await scrape();
    expect(metric(m, 'chanx_connections_open', ch)).toBe(2);
    expect(metric(m, 'chanx_connections_opened_total', ch)).toBe(2);

    const send = async (frame: string | Buffer): Promise<unknown> => {
      a.ws.send(frame);
      return a.nextJson();
    };
    expect(await send('{"action":"ping"}')).toEqual({ action: 'pong', payload: null });
    expect(await send('{"action":"user_message","payload":{"message":"hi"}}')).toMatchObject({ action: 'system_echo' });
    expect(await send('{"action":"user_message","payload":{}}')).toMatchObject({ action: 'error' });
    expect(await send('{"action":"made_up_by_client","payload":{}}')).toMatchObject({ action: 'error' });
    expect(await send('{not json')).toMatchObject({ action: 'error' });
    expect(await send('{"action":"ping","ref":5}')).toMatchObject({ action: 'error' });
    expect(await send(Buffer.from('{"action":"ping"}'))).toMatchObject({ action: 'error' });
    expect(await send('{"action":"user_message","payload":{"message":"fail"}}')).toEqual({
      action: 'error',
      payload: { detail: 'Failed to process message for user_message' },
    });
    expect(await send('{"action":"user_message","payload":{"message":"broadcast:x"},"ref":"r1"}')).toMatchObject({ payload: { message: 'sent' }, ref: 'r1' });
    expect(await b.nextJson()).toEqual({ action: 'system_echo', payload: { message: 'broadcast:x' } });

    m = await scrape();
    const frames = (action: string, outcome: string) => metric(m, 'chanx_frames_received_total', { ...ch, action, outcome });
    expect(frames('ping', 'ok')).toBe(1);
    expect(frames('user_message', 'ok')).toBe(2);
    expect(frames('user_message', 'invalid')).toBe(1);
    expect(frames('user_message', 'handler_failed')).toBe(1);
    expect(frames('(none)', 'unknown_action')).toBe(1);
    expect(frames('(none)', 'invalid_json')).toBe(1);
    expect(frames('(none)', 'invalid_envelope')).toBe(1);
    expect(frames('(none)', 'binary')).toBe(1);
    for (const type of ['invalid', 'handler_failed', 'unknown_action', 'invalid_json', 'invalid_envelope', 'binary']) {
      expect(metric(m, 'chanx_rejections_total', { type }), type).toBe(1);
    }
    // Every frame the clients received, welcomes and the broadcast included, and nothing else.
    expect(metric(m, 'chanx_frames_sent_total', ch)).toBe(got[0]!.n + got[1]!.n + 2);
    // Handler time: the frames a handler ran for (validation failures and unknown actions are not).
    expect(metric(m, 'chanx_handler_duration_seconds_count', { ...ch, action: 'ping' })).toBe(1);
    expect(metric(m, 'chanx_handler_duration_seconds_count', { ...ch, action: 'user_message' })).toBe(3);
    expect(metric(m, 'chanx_handler_duration_seconds_bucket', { ...ch, action: 'ping', le: '+Inf' })).toBe(1);
    // What a client wrote is never a label value.
    expect(await s.server.metrics!.text()).not.toContain('made_up_by_client');

    a.ws.close(1000);
    b.ws.close(4321);
    await Promise.all([a.closed, b.closed]);
    await until(() => s!.server.metrics !== undefined && s!.server.layer.size('all') === 0);
    m = await scrape();
    expect(metric(m, 'chanx_connections_open', ch)).toBe(0);
    expect(metric(m, 'chanx_connections_closed_total', { ...ch, code: '1000' })).toBe(1);
    expect(metric(m, 'chanx_connections_closed_total', { ...ch, code: '4xxx' })).toBe(1);
    // prom-client's process metrics are there too.
    expect(metric(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts every copy of a paced fan-out, also those written from an outbox in one piece', async () => {
    s = await serve(Busy, { metrics: true });
    // More members than one turn writes (SLICE, 64): the rest wait in outboxes, and the later
    // broadcasts of the same read join them there, several frames to an outbox.
    const members = await Promise.all(Array.from({ length: 90 }, () => connect(s!.url)));
    for (const r of members) expect(await r.next()).toBe(WELCOME);
    const got = members.map(counted);
    const sender = members[0]!;
    const socket = (sender.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    socket.cork();
    for (let i = 0; i < 3; i++) sender.ws.send(JSON.stringify({ action: 'user_message', payload: { message: `broadcast:${i}` } }));
    socket.uncork();
    await until(() => got.reduce((n, c) => n + c.n, 0) === 3 + 3 * 89);
    for (const r of members.slice(1)) {
      for (let i = 0; i < 3; i++) expect(await r.nextJson()).toEqual({ action: 'system_echo', payload: { message: `broadcast:${i}` } });
    }
    const m = await scrape();
    // The welcomes (90) and every frame the clients received since.
    expect(metric(m, 'chanx_frames_sent_total', ch)).toBe(90 + 3 + 3 * 89);
  });

  it('counts pauses for slow handlers and for a peer that does not read, and closes for limits', async () => {
    s = await serve(Busy, { metrics: true, maxQueuedFrames: 2, maxBufferedBytes: 1024 * 1024 });
    // Handlers behind: reading pauses; more frames than maxQueuedFrames in what was read closes with 1008.
    const slow = await connect(s.url);
    expect(await slow.next()).toBe(WELCOME);
    const frame = JSON.stringify({ action: 'user_message', payload: { message: 'slow' } });
    for (let i = 0; i < 50; i++) slow.ws.send(frame);
    expect((await slow.closed)[0]).toBe(1008);
    let m = await scrape();
    expect(metric(m, 'chanx_backpressure_pauses_total', { ...ch, reason: 'handlers_behind' })).toBeGreaterThanOrEqual(1);
    expect(metric(m, 'chanx_limit_closes_total', { ...ch, limit: 'queued_frames' })).toBe(1);
    held.open();

    // A member that does not read: its pushes pause its reading, then past maxBufferedBytes it is closed.
    const deaf = await connect(s.url);
    expect(await deaf.next()).toBe(WELCOME);
    deaf.ws.pause();
    const sender = await connect(s.url);
    expect(await sender.next()).toBe(WELCOME);
    const big = JSON.stringify({ action: 'user_message', payload: { message: `broadcast:${'z'.repeat(256 * 1024)}` } });
    for (let i = 0; i < 80 && metric(await scrape(), 'chanx_limit_closes_total', { ...ch, limit: 'outbound_buffer' }) === 0; i++) {
      sender.ws.send(big);
      await sender.next();
    }
    m = await scrape();
    expect(metric(m, 'chanx_backpressure_pauses_total', { ...ch, reason: 'replies_undrained' })).toBeGreaterThanOrEqual(1);
    expect(metric(m, 'chanx_limit_closes_total', { ...ch, limit: 'outbound_buffer' })).toBe(1);
    deaf.ws.terminate();
    sender.ws.close();
  });

  it('answers frames over the rate limit with rate_limited and their ref, unhandled, and closes a connection that stays over it', async () => {
    s = await serve(Busy, { metrics: true, rateLimit: '10/s,burst=3,close=1s' });
    const c = await connect(s.url);
    expect(await c.next()).toBe(WELCOME);
    for (let i = 0; i < 5; i++) c.ws.send(JSON.stringify({ action: 'ping', ref: `p${i}` }));
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await c.nextJson());
    expect(replies.slice(0, 3)).toEqual([0, 1, 2].map((i) => ({ action: 'pong', payload: null, ref: `p${i}` })));
    expect(replies[3]).toEqual({
      action: 'error',
      payload: [{ type: 'rate_limited', loc: [], msg: 'Rate limit exceeded (10 frames/s, burst 3): the frame was not processed' }],
      ref: 'p3',
    });
    let m = await scrape();
    expect(metric(m, 'chanx_frames_received_total', { ...ch, action: 'ping', outcome: 'ok' })).toBe(3);
    expect(metric(m, 'chanx_frames_received_total', { ...ch, action: '(none)', outcome: 'rate_limited' })).toBe(2);
    // Kept over it: closed with 1008 after about a second; a well-behaved connection is not.
    const calm = await connect(s.url);
    expect(await calm.next()).toBe(WELCOME);
    const flood = setInterval(() => c.ws.readyState === WebSocket.OPEN && c.ws.send('{"action":"ping"}'), 5);
    const [code, reason] = await c.closed;
    clearInterval(flood);
    expect([code, reason]).toEqual([1008, 'Rate limit exceeded']);
    calm.ws.send('{"action":"ping"}');
    expect(await calm.nextJson()).toEqual({ action: 'pong', payload: null });
    m = await scrape();
    expect(metric(m, 'chanx_limit_closes_total', { ...ch, limit: 'rate_limit' })).toBe(1);
    expect(s.logged.filter((l) => l.includes('over the rate limit'))).toHaveLength(1);
    calm.ws.close();
  });

  it('counts frames against the rate limit as they arrive, not when a slow handler lets them be handled', async () => {
    // A bucket checked at handling time would have refilled 5 tokens while the first frame's handler waited 1 s.
    s = await serve(Busy, { metrics: true, rateLimit: '5/s,burst=3,close=60s' });
    const c = await connect(s.url);
    expect(await c.next()).toBe(WELCOME);
    c.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'slow' }, ref: 'slow' }));
    for (let i = 0; i < 9; i++) c.ws.send(JSON.stringify({ action: 'ping', ref: `p${i}` }));
    await new Promise((r) => setTimeout(r, 1000));
    held.open();
    const replies = [];
    for (let i = 0; i < 10; i++) replies.push((await c.nextJson()) as { action: string; ref: string });
    // In the order sent: the slow one, the two pings the burst left room for, then seven refusals.
    expect(replies.map((r) => `${r.action} ${r.ref}`)).toEqual([
      'system_echo slow',
      'pong p0',
      'pong p1',
      ...Array.from({ length: 7 }, (_, i) => `error p${i + 2}`),
    ]);
    const m = await scrape();
    expect(metric(m, 'chanx_frames_received_total', { ...ch, action: 'ping', outcome: 'ok' })).toBe(2);
    expect(metric(m, 'chanx_frames_received_total', { ...ch, action: '(none)', outcome: 'rate_limited' })).toBe(7);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it('counts upgrades refused: origin, connection cap, per-IP cap (X-Forwarded-For only from a trusted proxy)', async () => {
    s = await serve(Busy, { metrics: true, allowedOrigins: ['https://ok.example'], maxConnectionsPerIp: 1, trustedProxies: ['127.0.0.1'] });
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(s!.url, { headers });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => undefined);
      });
    expect(await status({ origin: 'https://evil.example' })).toBe(403);
    const first = await connect(s.url, { 'x-forwarded-for': '203.0.113.7' });
    expect(await status({ 'x-forwarded-for': '203.0.113.7' })).toBe(429);
    // Another client behind the same proxy is another address.
    const other = await connect(s.url, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' });
    const m = await scrape();
    expect(metric(m, 'chanx_rejections_total', { type: 'origin' })).toBe(1);
    expect(metric(m, 'chanx_rejections_total', { type: 'max_connections_per_ip' })).toBe(1);
    first.ws.close();
    await first.closed;
    other.ws.close();
  });
});

describe.skipIf(!promtoolRunnable)('GET /metrics on a port of its own', () => {
  it('serves the text format that promtool accepts, and nothing else', async () => {
    const metrics = new ChanxMetrics();
    s = await serve(Busy, { metrics });
    const port = await serveMetrics(metrics, 0, '127.0.0.1');
    try {
      const c = await connect(s.url);
      expect(await c.next()).toBe(WELCOME);
      c.ws.send('{"action":"ping"}');
      await c.next();
      c.ws.send('nope');
      await c.next();
      const res = await fetch(`http://127.0.0.1:${port.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(metric(samples(text), 'chanx_frames_received_total', { ...ch, action: 'ping', outcome: 'ok' })).toBe(1);
      const verdict = promtoolCheck(text);
      expect(verdict.output).toBe('');
      expect(verdict.status).toBe(0);
      expect((await fetch(`http://127.0.0.1:${port.port}/`)).status).toBe(404);
      // The main port does not serve metrics.
      expect((await fetch(`http://127.0.0.1:${new URL(s.url).port}/metrics`)).status).toBe(404);
      c.ws.close();
    } finally {
      await port.close();
    }
  });

  it('promtool is not blind: it refuses a counter without _total', () => {
    const verdict = promtoolCheck('# HELP chanx_bad a counter\n# TYPE chanx_bad counter\nchanx_bad 1\n');
    expect(verdict.output).toMatch(/counter metrics should have "_total" suffix/);
  });
});
