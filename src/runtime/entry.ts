/** Starting a generated server as a program: `npm start` runs generated/server.ts. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GroupLayer } from './layer.js';
import type { ChanxServer, ServerOptions } from './server.js';

/** Is the module at `moduleUrl` the program node was asked to run? */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(script);
  } catch {
    return false;
  }
}

/**
 * Listens on PORT (default 8000) and HOST, prints the address, and shuts down gracefully on the
 * first SIGINT/SIGTERM (`server.close()`: stop accepting, let in-flight handlers finish, 1001 to
 * every client, onDisconnect, exit 0). A second signal exits at once with 1. Given the server's
 * factory, REDIS_URL (and REDIS_PREFIX) put its groups on Redis (a RedisLayer, closed last).
 */
export async function serveFromEnv(create: ChanxServer | ((options: ServerOptions) => ChanxServer)): Promise<void> {
  const layer = typeof create === 'function' ? await layerFromEnv() : undefined;
  const server = typeof create === 'function' ? create(layer === undefined ? {} : { layer }) : create;
  const port = Number(process.env['PORT'] ?? 8000);
  const host = process.env['HOST'];
  const bound = await server.listen(Number.isInteger(port) && port >= 0 ? port : 8000, host);
  console.log(`chanx-gen server listening on ws://${host ?? 'localhost'}:${bound}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    void server
      .close()
      .then(() => layer?.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`chanx-gen server: shutdown failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** A RedisLayer when REDIS_URL is set (loaded only then), else undefined: the in-memory default. */
async function layerFromEnv(): Promise<GroupLayer | undefined> {
  const url = process.env['REDIS_URL'];
  if (url === undefined || url === '') return undefined;
  const { RedisLayer } = await import('./redis-layer.js');
  const prefix = process.env['REDIS_PREFIX'];
  const layer = new RedisLayer({ url, ...(prefix !== undefined && prefix !== '' ? { prefix } : {}) });
  const shown = url.replace(/\/\/[^@/]*@/, '//***@');
  console.log(`chanx-gen groups through Redis at ${shown}`);
  return layer;
}
