import { Redis } from 'ioredis';
import { startRedis } from './test/helpers/redis-server.ts';
const redis = await startRedis();
async function pair(opts: object, name: string) {
  const pub = new Redis(redis.url, opts); const sub = new Redis(redis.url, opts);
  await Promise.all([pub, sub].map((c) => new Promise((r) => c.once('ready', r))));
  await sub.subscribe('x' + name);
  let resolveOne: () => void = () => {};
  sub.on('message', () => resolveOne());
  const lat: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = performance.now();
    const p = new Promise<void>((r) => (resolveOne = r));
    pub.publish('x' + name, 'hello world frame').catch(() => {});
    await p; lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  console.log(name, lat[1500].toFixed(3), lat[2970].toFixed(3));
  pub.disconnect(); sub.disconnect();
}
await pair({ enableOfflineQueue: false, maxRetriesPerRequest: 0 }, 'plain');
await pair({ enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResubscribe: false, retryStrategy: () => 100, connectionName: 'abc' }, 'mine');
await pair({ enableOfflineQueue: false, maxRetriesPerRequest: 0 }, 'plain2');
await redis.stop();
