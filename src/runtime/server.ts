/**
 * The ws server glue: HTTP upgrades routed by path to mounted channels, path parameters, a
 * frame-size limit, and graceful shutdown.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Connection, describeError, type Logger, type MountedChannel } from './connection.js';
import { GroupRegistry } from './groups.js';
import { compilePath, type PathTemplate } from './path-template.js';
import type { ChannelDefinition } from './types.js';
import { SESSION_TOPICS, type HostedTopic } from './topics-session.js';

export interface ServerOptions {
  /** Largest accepted frame in bytes; a larger one closes that connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Where handler failures and connection errors are reported. Default: console. */
  logger?: Logger;
  /** Attach to an existing HTTP server instead of creating one. */
  server?: Server;
  /**
   * Chanx's SEND_COMPLETION: after every frame that reached message validation (answered or not),
   * send `{"action":"complete","payload":null}`. Default false, as in Chanx.
   */
  sendCompletion?: boolean;
}

/** A channel with the class that handles it; made by `mount`. */
export interface Route {
  readonly mounted: MountedChannel;
}

/** Pairs a generated channel with its consumer class (one instance per connection). */
export function mount<H, Out, P>(channel: ChannelDefinition<H, Out, P>, Consumer: new () => H, topics?: readonly HostedTopic[]): Route {
  const erased = channel as ChannelDefinition<unknown, unknown, unknown>;
  if (topics === undefined || topics.length === 0) return { mounted: { channel: erased, createHandlers: () => new Consumer() as object } };
  return { mounted: { channel: { ...erased, topics: SESSION_TOPICS }, createHandlers: () => new Consumer() as object, topics: { topics } } };
}

export interface ChanxServer {
  readonly httpServer: Server;
  readonly groups: GroupRegistry;
  /** Starts listening; resolves with the bound port (pass 0 for an ephemeral one). */
  listen(port: number, host?: string): Promise<number>;
  /** Closes every connection (1001) and stops listening. */
  close(): Promise<void>;
}

const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

export function createChanxServer(routes: readonly Route[], options: ServerOptions = {}): ChanxServer {
  const logger: Logger = options.logger ?? { error: (message) => console.error(message) };
  const groups = new GroupRegistry();
  const httpServer = options.server ?? createHttpServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD });
  // Mount each address once (channels that share an address, such as x-topic ones, keep the first),
  // and try fixed addresses before parameterised ones so `/ws/room/new` beats `/ws/room/{name}`.
  const seen = new Set<string>();
  const table: { path: PathTemplate; route: Route }[] = [];
  for (const route of routes) {
    const address = route.mounted.channel.address;
    if (seen.has(address)) continue;
    seen.add(address);
    const mounted: MountedChannel = options.sendCompletion === true ? { ...route.mounted, dispatch: { sendCompletion: true } } : route.mounted;
    table.push({ path: compilePath(address, route.mounted.channel.paramValues), route: { mounted } });
  }
  table.sort((a, b) => Number(a.path.address.includes('{')) - Number(b.path.address.includes('{')));

  const find = (req: IncomingMessage): { route: Route; params: Record<string, string> } | undefined => {
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return undefined;
    }
    for (const { path, route } of table) {
      const params = path.match(pathname);
      if (params !== undefined) return { route, params };
    }
    return undefined;
  };

  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const found = find(req);
    if (found === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      try {
        new Connection(ws, found.route.mounted, found.params, req, groups, logger);
      } catch (err) {
        // The consumer could not be made: this connection ends, the server goes on.
        logger.error(`${found.route.mounted.channel.address}: could not start a connection: ${describeError(err)}`, err);
        ws.close(1011, 'Internal error');
      }
    });
  });
  if (options.server === undefined) {
    httpServer.on('request', (req, res) => {
      const status = find(req) === undefined ? 404 : 426;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...(status === 426 ? { upgrade: 'websocket' } : {}) });
      res.end(status === 404 ? 'Not Found\n' : 'This address takes WebSocket connections\n');
    });
  }

  return {
    httpServer,
    groups,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      });
    },
    async close() {
      const closing = [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            ws.once('close', () => resolve());
            ws.close(1001, 'Server shutting down');
            setTimeout(() => ws.terminate(), 1000).unref();
          }),
      );
      await Promise.all(closing);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
