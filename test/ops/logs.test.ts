/**
 * Issue 24: structured logs. At debug, one JSON line per frame (connection, channel, action, ref,
 * topic, outcome, duration) and never a payload unless LOG_PAYLOADS=1; at info, connections opened
 * and closed, server up and down; errors with their stack. A pino-compatible logger that throws
 * hurts nothing. `LOG_LEVEL=debug npm start` does it in a process of its own.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loggerFromEnv, type Logger } from 'chanx-gen/runtime';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type * as M from '../../generated/system/messages.js';
import { builtServer, spawnServer } from '../helpers/server-process.js';
import { connect } from '../helpers/ws-client.js';
import { serve, until, WELCOME, type Served } from '../runtime/serve.js';
import { metric, promtoolCheck, promtoolRunnable, samples } from './scrape.js';

class Failing extends SystemConsumer {
  override onUserMessage(message: M.UserMessage, ctx: Parameters<SystemConsumer['onUserMessage']>[1]): M.SystemEchoMessage {
    if (message.payload.message === 'fail') throw new Error('handler down');
    return super.onUserMessage(message, ctx);
  }
}

function capture(env: Record<string, string>): { lines: Record<string, unknown>[]; logger: Logger; payloads: boolean } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const { logger, payloads } = loggerFromEnv(env, sink);
  return { lines, logger, payloads };
}

let s: Served | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('structured logs', () => {
  it('at debug: one line per frame with its fields and no payload; at info: open, close, start and stop; errors with their stack', async () => {
    const log = capture({ LOG_LEVEL: 'debug' });
    s = await serve(Failing, { logger: log.logger, logPayloads: log.payloads });
    const c = await connect(s.url);
    expect(await c.next()).toBe(WELCOME);
    c.ws.send('{"action":"user_message","payload":{"message":"secret text"},"ref":"r7"}');
    await c.next();
    c.ws.send('{"action":"ping"}');
    await c.next();
    c.ws.send('{"action":"user_message","payload":{"message":"fail"}}');
    await c.next();
    c.ws.send('{"action":"ping","topic":"room:1","ref":"t1"}');
    await c.next();
    c.ws.close(1000, 'bye');
    await c.closed;
    await until(() => log.lines.some((l) => l['msg'] === 'connection closed'));
    const frames = log.lines.filter((l) => l['msg'] === 'frame');
    expect(frames).toHaveLength(4);
    const [first, second, third, fourth] = frames;
    expect(first).toMatchObject({ level: 20, channel: 'system', action: 'user_message', ref: 'r7', outcome: 'ok' });
    expect(typeof first!['conn']).toBe('string');
    expect(typeof first!['ms']).toBe('number');
    expect(second).toMatchObject({ action: 'ping', outcome: 'ok' });
    expect(second).not.toHaveProperty('ref');
    expect(third).toMatchObject({ action: 'user_message', outcome: 'handler_failed' });
    expect(fourth).toMatchObject({ action: '(topic)', topic: 'room:1', ref: 't1', outcome: 'topic_error' });
    // Privacy by default: what the client wrote appears nowhere.
    expect(JSON.stringify(log.lines)).not.toContain('secret text');
    const failure = log.lines.find((l) => l['level'] === 50)!;
    expect(failure['msg']).toBe('/ws/system: handler for user_message failed');
    expect((failure['err'] as { stack: string }).stack).toMatch(/^Error: handler down\n\s+at /);
    expect(log.lines.filter((l) => l['level'] === 30).map((l) => l['msg'])).toEqual(['server listening', 'connection opened', 'connection closed']);
    expect(log.lines.find((l) => l['msg'] === 'connection closed')).toMatchObject({ code: 1000, reason: 'bye', conn: first!['conn'] });
    await s.close();
    s = undefined;
    expect(log.lines.slice(-2).map((l) => l['msg'])).toEqual(['server shutting down', 'server stopped']);
  });

  it('logs payloads with LOG_PAYLOADS=1 only, and nothing per frame at info', async () => {
    const debug = capture({ LOG_LEVEL: 'debug', LOG_PAYLOADS: '1' });
    s = await serve(SystemConsumer, { logger: debug.logger, logPayloads: debug.payloads });
    let c = await connect(s.url);
    await c.next();
    c.ws.send('{"action":"user_message","payload":{"message":"shown"}}');
    await c.next();
    await until(() => debug.lines.some((l) => l['msg'] === 'frame'));
    expect(debug.lines.find((l) => l['msg'] === 'frame')).toMatchObject({ payload: { message: 'shown' } });
    c.ws.close();
    await s.close();

    const info = capture({});
    s = await serve(SystemConsumer, { logger: info.logger });
    c = await connect(s.url);
    await c.next();
    c.ws.send('{"action":"ping"}');
    await c.next();
    c.ws.close();
    await until(() => info.lines.some((l) => l['msg'] === 'connection closed'));
    expect(info.lines.map((l) => l['msg'])).toEqual(['server listening', 'connection opened', 'connection closed']);
  });

  it('logs what a client did that cost it its connection as a warning, not an error (a plain logger still gets it)', async () => {
    const log = capture({});
    s = await serve(SystemConsumer, { logger: log.logger, maxPayload: 64 });
    const c = await connect(s.url);
    await c.next();
    c.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'x'.repeat(100) } }));
    expect((await c.closed)[0]).toBe(1009);
    await until(() => log.lines.some((l) => l['msg'] === 'connection closed'));
    const warned = log.lines.filter((l) => l['level'] === 40);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({
      msg: expect.stringMatching(/^\/ws\/system: connection \S+ closed: Max payload size exceeded$/),
      conn: expect.any(String),
    });
    expect(log.lines.filter((l) => (l['level'] as number) >= 50)).toEqual([]);
    await s.close();

    s = await serve(SystemConsumer, { maxPayload: 64 });
    const plain = await connect(s.url);
    await plain.next();
    plain.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'x'.repeat(100) } }));
    await plain.closed;
    await until(() => s!.logged.length > 0);
    expect(s.logged).toEqual([expect.stringMatching(/^\/ws\/system: connection \S+ closed: Max payload size exceeded$/)]);
  });

  it('refuses a LOG_LEVEL it does not know, naming the levels', () => {
    expect(() => loggerFromEnv({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got 'verbose'/);
  });

  it('a pino-compatible logger that throws everywhere stops no frame', async () => {
    const boom = (): never => {
      throw new Error('logger down');
    };
    const hostile = { error: boom, info: boom, debug: boom, child: boom, isLevelEnabled: () => true };
    s = await serve(Failing, { logger: hostile, metrics: true });
    const c = await connect(s.url);
    expect(await c.next()).toBe(WELCOME);
    for (const message of ['fail', 'ok', 'fail', 'ok']) {
      c.ws.send(JSON.stringify({ action: 'user_message', payload: { message } }));
      expect(await c.nextJson()).toMatchObject({ action: message === 'fail' ? 'error' : 'system_echo' });
    }
    c.ws.close();
  });
});

describe.skipIf(!promtoolRunnable)('LOG_LEVEL=debug METRICS_PORT=0 with the generated server (npm start)', () => {
  it('writes a JSON line per frame on stderr and serves /metrics that promtool accepts', async () => {
    const p = await spawnServer([builtServer()], { LOG_LEVEL: 'debug', METRICS_PORT: '0' });
    try {
      await until(() => /metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/.test(p.output()));
      const metricsPort = /metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(p.output())![1];
      const c = await connect(`ws://127.0.0.1:${p.port}/ws/system`);
      await c.next();
      for (let i = 0; i < 3; i++) {
        c.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'private' }, ref: `q${i}` }));
        await c.next();
      }
      await until(() => (p.output().match(/"msg":"frame"/g) ?? []).length === 3);
      const lines = p
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.filter((l) => l['msg'] === 'frame').map((l) => [l['action'], l['ref'], l['outcome']])).toEqual([
        ['user_message', 'q0', 'ok'],
        ['user_message', 'q1', 'ok'],
        ['user_message', 'q2', 'ok'],
      ]);
      expect(p.output()).not.toContain('private');
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metric(samples(text), 'chanx_frames_received_total', { channel: 'system', action: 'user_message', outcome: 'ok' })).toBe(3);
      expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
      c.ws.close();
    } finally {
      p.child.kill('SIGTERM');
    }
  });
});
