/** A real server on 127.0.0.1 for one test: the system channel with the consumer class given. */
import type { Socket } from 'node:net';
import { createChanxServer, mount, type ChanxServer, type ServerOptions } from 'chanx-gen/runtime';
import { systemChannel } from '../../generated/system/router.js';
import { SystemConsumer } from '../../generated/system/consumer.js';

export const WELCOME = '{"action":"system_echo","payload":{"message":"🔧 System: Connection established!"}}';

export interface Served {
  server: ChanxServer;
  url: string;
  base: string;
  /** Every message the server logged. */
  logged: string[];
  close(): Promise<void>;
}

export async function serve(Consumer: typeof SystemConsumer = SystemConsumer, options: ServerOptions = {}): Promise<Served> {
  const logged: string[] = [];
  const server = createChanxServer([mount(systemChannel, Consumer)], { logger: { error: (m) => void logged.push(m) }, ...options });
  const port = await server.listen(0, '127.0.0.1');
  const base = `ws://127.0.0.1:${port}`;
  return { server, url: `${base}/ws/system`, base, logged, close: () => server.close() };
}

/** Resolves when `check` holds, polling every 10 ms; rejects after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise with its resolve function, for handlers that wait until the test lets them go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Calls `written` on every write a server-side socket makes to the kernel (one per syscall: _write or _writev). */
export function onSocketWrite(socket: Socket, written: () => void): void {
  const raw = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  for (const method of ['_write', '_writev'] as const) {
    const original = raw[method];
    raw[method] = function (this: unknown, ...args: unknown[]) {
      written();
      return original.apply(this, args);
    };
  }
}
