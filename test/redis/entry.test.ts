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
import { redisRunnable, startRedis, type RedisServer } from '../helpers/redis-server.js';
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
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1', ...env });
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
