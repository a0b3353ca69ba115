/**
 * REDIS_URL and REDIS_PREFIX in serveFromEnv, in process, on a real redis-server: the factory's
 * groups go through a RedisLayer under that prefix, the log line hides the password, and the
 * first signal closes the layer after the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChanxServer, mount, RedisLayer, serveFromEnv, type ServerOptions } from 'chanx-gen/runtime';
import { PROCESS_TAG } from '../../src/runtime/layers/member-id.js';
import { systemChannel } from '../../generated/system/router.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import { FakeProcess } from '../helpers/fake-process.js';
import { freePort, redisRunnable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { subscribers } from './wait.js';

describe.skipIf(!redisRunnable)('serveFromEnv with REDIS_URL', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** Serves the system channel as npm start does with `env`; returns what the factory was given. */
  async function start(env: Record<string, string>): Promise<{ proc: FakeProcess; given: ServerOptions[] }> {
    const given: ServerOptions[] = [];
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
    await serveFromEnv((options) => (given.push(options), createChanxServer([mount(systemChannel, SystemConsumer)], options)), proc, proc.out);
    return { proc, given };
  }

  it('puts the groups on Redis under REDIS_PREFIX, logs the URL without its password, and closes the layer on SIGTERM', async () => {
    const { proc, given } = await start({ REDIS_URL: `redis://default:s3cret@127.0.0.1:${redis.port}`, REDIS_PREFIX: 'entry:' });
    expect(given[0]?.layer).toBeInstanceOf(RedisLayer);
    expect(proc.logs[0]).toBe(`chanx-gen groups through Redis at redis://***@127.0.0.1:${redis.port}`);
    expect(proc.logs[1]).toMatch(/^chanx-gen server listening on ws:\/\/127\.0\.0\.1:\d+$/);
    expect(proc.logs.join('\n')).not.toContain('s3cret');
    // The process's inbox, under the prefix given: the layer is connected, with the password.
    await subscribers(redis.url, `entry:m:${PROCESS_TAG}`, 1);
    const exit = proc.nextExit();
    proc.signals.emit('SIGTERM');
    expect(await exit).toBe(0);
    await subscribers(redis.url, `entry:m:${PROCESS_TAG}`, 0);
    expect(proc.errors).toEqual([]);
  });

  it('listens only once the layer carries groups: the link is up before the address is printed', async () => {
    const order: string[] = [];
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1', REDIS_URL: redis.url, REDIS_PREFIX: 'first:', LOG_LEVEL: 'silent' });
    const out = { log: (line: string) => (proc.out.log(line), /listening/.test(line) && order.push('listening')), error: proc.out.error };
    await serveFromEnv(
      (options) => {
        options.layer?.observe?.({ link: (up) => void (up && order.push('linked')) });
        return createChanxServer([mount(systemChannel, SystemConsumer)], options);
      },
      proc,
      out,
    );
    expect(order).toEqual(['linked', 'listening']);
    const exit = proc.nextExit();
    proc.signals.emit('SIGTERM');
    expect(await exit).toBe(0);
    expect(proc.errors).toEqual([]);
  });

  it('listens without Redis after REDIS_WAIT_MS, says so, and answers /readyz with 503', async () => {
    const closed = await freePort();
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1', REDIS_URL: `redis://127.0.0.1:${closed}`, REDIS_WAIT_MS: '300', LOG_LEVEL: 'silent' });
    const started = performance.now();
    await serveFromEnv((options) => createChanxServer([mount(systemChannel, SystemConsumer)], options), proc, proc.out);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(proc.errors).toEqual([
      `chanx-gen: Redis at redis://127.0.0.1:${closed} is not reachable yet; serving this process's connections meanwhile (/readyz answers 503 until it is)`,
    ]);
    const port = Number(/:(\d+)$/.exec(proc.logs.at(-1)!)![1]);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
    const exit = proc.nextExit();
    proc.signals.emit('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('closes without listening on a SIGTERM while it waits for Redis', async () => {
    const closed = await freePort();
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1', REDIS_URL: `redis://127.0.0.1:${closed}`, REDIS_WAIT_MS: '1000', LOG_LEVEL: 'silent' });
    const serving = serveFromEnv((options) => createChanxServer([mount(systemChannel, SystemConsumer)], options), proc, proc.out);
    await new Promise((r) => setTimeout(r, 50));
    const exit = proc.nextExit();
    proc.signals.emit('SIGTERM');
    expect(await exit).toBe(0);
    await serving;
    expect(proc.logs).toEqual([`chanx-gen groups through Redis at redis://127.0.0.1:${closed}`]);
  });

  it('refuses a REDIS_WAIT_MS that is not a whole number of milliseconds, before it connects', async () => {
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1', REDIS_URL: redis.url, REDIS_WAIT_MS: '5s' });
    await expect(serveFromEnv((options) => createChanxServer([mount(systemChannel, SystemConsumer)], options), proc, proc.out)).rejects.toThrow(
      "REDIS_WAIT_MS must be a whole number of milliseconds, got '5s'",
    );
    expect(proc.logs).toEqual([]);
  });

  it('uses the default prefix chanx: when REDIS_PREFIX is empty, and shows a URL without credentials as it is', async () => {
    const { proc, given } = await start({ REDIS_URL: redis.url, REDIS_PREFIX: '' });
    expect(given[0]?.layer).toBeInstanceOf(RedisLayer);
    expect(proc.logs[0]).toBe(`chanx-gen groups through Redis at ${redis.url}`);
    await subscribers(redis.url, `chanx:m:${PROCESS_TAG}`, 1);
    const exit = proc.nextExit();
    proc.signals.emit('SIGINT');
    expect(await exit).toBe(0);
    await subscribers(redis.url, `chanx:m:${PROCESS_TAG}`, 0);
  });
});
