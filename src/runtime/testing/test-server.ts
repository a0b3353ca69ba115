/**
 * A server for tests: the project's own (its generated `createServer`) or chosen channels with
 * their consumers (`mount(...)` routes), on an ephemeral port of 127.0.0.1, completion frames on,
 * its layer captured. One call starts it; `close()` (or `await using`) ends it and every client the
 * test opened through it.
 */
import type { ChannelDefinition } from '../channel/definition.js';
import type { ChannelEvents } from '../layers/events.js';
import { MemoryLayer } from '../layers/memory-layer.js';
import type { Logger } from '../support/logger.js';
import { type ChanxServer, createChanxServer, type Route, type ServerOptions } from '../server/server.js';
import { type Captured, CapturingLayer } from './capture.js';
import { connectForTest } from './test-client.js';
import type { ConnectFunction, ConnectFunctionWithParams, GeneratedClient, TestClient, TestConnectArgs } from './types.js';

/** What a test server is made from: the generated `createServer`, or routes (`mount(channel, Consumer)`). */
export type TestApp = ((options: ServerOptions) => ChanxServer) | readonly Route[];

export interface Connector {
  /**
   * Connects with a generated `connectX` function (its options: `params`, `headers`, ...) and
   * returns its typed client with the test helpers.
   */
  connect<F extends ConnectFunction | ConnectFunctionWithParams>(connect: F, ...options: TestConnectArgs<F>): Promise<TestClient<Awaited<ReturnType<F>>>>;
}

export interface TestServer extends Connector, AsyncDisposable {
  /** `ws://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The server itself (its layer, groups, httpServer). */
  readonly server: ChanxServer;
  /** Broadcasts and events that went through the layer since the start (or the last `clear()`). */
  readonly captured: Captured;
  /** What the server reported as errors (handler failures, connection errors), in order. */
  readonly errors: readonly string[];
  /** Connects with these headers on the upgrade request: a user as the consumer's `authenticate` reads them. */
  as(headers: Record<string, string>): Connector;
  /** Typed events of `channel` from outside a connection (Chanx's broadcast_event / send_event). */
  events<Out>(channel: ChannelDefinition<any, Out, any>): ChannelEvents<Out>;
  /** Closes every client opened through this server, then the server. */
  close(): Promise<void>;
}

export interface TestServerOptions extends Omit<ServerOptions, 'sendCompletion'> {
  /** Only keep what the server reports as errors in `errors` (default: also printed, unless a `logger` is given). */
  quiet?: boolean;
}

/**
 * Starts `app` on 127.0.0.1 on a free port with completion frames on (Chanx's SEND_COMPLETION,
 * which `receiveAll` relies on) and a capturing layer around `options.layer` (default: memory).
 */
export async function startTestServer(app: TestApp, options: TestServerOptions = {}): Promise<TestServer> {
  const { quiet, ...serverOptions } = options;
  const layer = new CapturingLayer(options.layer ?? new MemoryLayer());
  const errors: string[] = [];
  const given = options.logger;
  const logger: Logger = {
    error(message, error) {
      errors.push(message);
      if (given !== undefined) given.error(message, error);
      else if (quiet !== true) console.error(message);
    },
  };
  const full: ServerOptions = { ...serverOptions, layer, logger, sendCompletion: true };
  const server = typeof app === 'function' ? app(full) : createChanxServer(app, full);
  const port = await server.listen(0, '127.0.0.1');
  const url = `ws://127.0.0.1:${port}`;
  const clients = new Set<GeneratedClient>();

  const connector = (headers: Record<string, string> | undefined): Connector => ({
    async connect(connect, ...args) {
      const [given] = args as [({ headers?: Record<string, string> } & Record<string, unknown>) | undefined];
      const merged = headers === undefined ? given : { ...given, headers: { ...headers, ...given?.headers } };
      const client = await connectForTest(connect as ConnectFunction, url, merged, (tag) => layer.connectionId(tag));
      clients.add(client);
      return client as never;
    },
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await Promise.all([...clients].map((c) => c.close()));
      await server.close();
    })());
  const test: TestServer = {
    url,
    port,
    server,
    captured: layer,
    errors,
    connect: connector(undefined).connect,
    as: (headers) => connector(headers),
    events: (channel) => server.events(channel),
    close,
    [Symbol.asyncDispose]: close,
  };
  return test;
}
