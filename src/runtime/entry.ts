/** Starting a generated server as a program: `npm start` runs generated/server.ts. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChanxServer } from './server.js';

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
 * every client, onDisconnect, exit 0). A second signal exits at once with 1.
 */
export async function serveFromEnv(server: ChanxServer): Promise<void> {
  const port = Number(process.env['PORT'] ?? 8000);
  const host = process.env['HOST'];
  const bound = await server.listen(Number.isInteger(port) && port >= 0 ? port : 8000, host);
  console.log(`chanx-gen server listening on ws://${host ?? 'localhost'}:${bound}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.close().then(
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
