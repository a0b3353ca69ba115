/**
 * One soak server process: the scale-out test app (its generated/server.ts, in argv[2]) on a
 * RedisLayer over the cluster in REDIS_CLUSTER_NODES, on a free port. Every second it tells the
 * parent (IPC) its RSS and the layer's counters; it stops on 'exit'.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RedisLayer } from '../../dist/runtime/index.js';

const appDir = process.argv[2]!;
const { createServer } = (await import(pathToFileURL(path.join(appDir, 'generated/server.ts')).href)) as {
  createServer(options: object): { listen(port: number, host?: string): Promise<number>; close(): Promise<void> };
};
const logs: string[] = [];
const layer = new RedisLayer({
  clusterNodes: process.env['REDIS_CLUSTER_NODES']!,
  prefix: 'soak:',
  logger: { error: (m) => void logs.push(`${new Date().toISOString()} ${m}`) },
});
await layer.ready();
const server = createServer({ layer });
const port = await server.listen(0, '127.0.0.1');
const report = (): void => void process.send!({ port, rss: process.memoryUsage().rss, stats: layer.stats(), logs: logs.splice(0) });
report();
const timer = setInterval(report, 1000);
process.on('message', (m) => {
  if (m !== 'exit') return;
  clearInterval(timer);
  report();
  void server
    .close()
    .then(() => layer.close())
    .then(() => process.exit(0));
});
