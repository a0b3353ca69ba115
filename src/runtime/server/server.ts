/**
 * The ws server glue: HTTP upgrades routed by path to mounted channels, path parameters, and the
 * server-wide parts of the limits (admission, heartbeat timer, shutdown order).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { admission, refuseUpgrade, type OriginRule } from './admission.js';
import { Connection, type ConnectionRuntime, type MountedChannel } from './connection.js';
import { channelEvents, type ChannelEvents } from '../layers/events.js';
import type { GroupLayer } from '../layers/layer.js';
import { MemoryLayer } from '../layers/memory-layer.js';
import { createRequestHandler, type ServedContent } from './http.js';
import { DEFAULT_HEARTBEAT_MS, startHeartbeat } from '../limits/heartbeat.js';
import { positive, resolveLimits } from '../limits/limits.js';
import { describeError, guardLogger, type Logger } from '../support/logger.js';
import { checkRateLimit, parseRateLimit, type RateLimit } from '../limits/rate-limit.js';
import { clientAddress, IpCap, trustedSet } from '../limits/ip-cap.js';
import { ChannelWatch, type Ops } from '../ops/channel-watch.js';
import { Health } from '../ops/health.js';
import { ChanxMetrics } from '../ops/metrics.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, endAll } from './shutdown.js';
import { compilePath, requestPath, type PathTemplate } from '../support/path-template.js';
import type { ChannelDefinition, EventOf } from '../channel/definition.js';
import { SESSION_TOPICS, type HostedTopic } from '../topics/session.js';

export interface ServerOptions extends ServedContent {
  /** Largest accepted frame in bytes; a larger one closes that connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /**
   * Where handler failures and connection errors are reported. Default: console (errors only).
   * A pino-compatible logger (pino, or its child) also gets connections opened and closed, server
   * and layer up and down at info, and one line per frame at debug.
   */
  logger?: Logger;
  /** Put each frame's payload on its debug log line. Default false: payloads are never logged. */
  logPayloads?: boolean;
  /**
   * Prometheus metrics: `true` for a registry of the server's own (prom-client's process metrics
   * included), or a ChanxMetrics to share. Read them from `server.metrics`. Default: none (no cost).
   */
  metrics?: boolean | ChanxMetrics;
  /**
   * Frames per connection: a token bucket (`{ maxFramesPerSecond: 100, burst: 200 }` or the same as
   * RATE_LIMIT says it, `'100/s,burst=200'`). A frame over it is answered with a `rate_limited` error
   * and not handled; a connection over it for `closeAfterMs` (default 3 s) is closed with 1008.
   * Default: no limit.
   */
  rateLimit?: RateLimit | string;
  /** Open connections per client IP at most; more get 429 before the upgrade. Default: no cap. */
  maxConnectionsPerIp?: number;
  /**
   * Addresses of the reverse proxies in front of the server: from them only, X-Forwarded-For names
   * the client (for maxConnectionsPerIp). Default none: the header is ignored.
   */
  trustedProxies?: readonly string[];
  /** Attach to an existing HTTP server instead of creating one. */
  server?: Server;
  /** Where groups live: default a MemoryLayer (this process); a RedisLayer spans processes. */
  layer?: GroupLayer;
  /**
   * Chanx's SEND_COMPLETION: after every frame that reached message validation (answered or not),
   * send `{"action":"complete","payload":null}`. Default false, as in Chanx.
   */
  sendCompletion?: boolean;
  /**
   * Bytes queued for sending to one connection (ws `bufferedAmount`) above which it is closed with
   * 1008 and its pending frames dropped; the peer is not reading. Reading from a connection pauses
   * well before that (at 64 KiB of unsent replies) until it drains. Default 4 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Frames of one connection that may wait behind an unfinished (async) handler; reading pauses as
   * soon as one waits, so only frames already received can queue. One more closes it with 1008.
   * Default 4096.
   */
  maxQueuedFrames?: number;
  /**
   * ws-level ping interval in ms; a connection that shows no life (pong or frame) by the next tick
   * is terminated and runs onDisconnect. 0 turns the heartbeat off. Default 30,000.
   */
  heartbeatIntervalMs?: number;
  /** On close/SIGTERM, how long in-flight handlers may run before connections are closed (ms). Default 3000. */
  shutdownTimeoutMs?: number;
  /**
   * Browser origins allowed to connect: exact origins (`https://app.example.com`), patterns with `*`
   * (`https://*.example.com`) or RegExps. Others get 403 before the upgrade; requests without an
   * Origin header (non-browser clients) pass. Default: every origin.
   */
  allowedOrigins?: readonly OriginRule[];
  /** Open connections at most; upgrades over it get 503. Default: no cap. */
  maxConnections?: number;
  /**
   * Keep `ctx.request` (the upgrade request) for the whole connection. By default it is released
   * once onConnect is done, which halves what an idle connection costs; read headers there.
   */
  keepUpgradeRequest?: boolean;
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
  readonly layer: GroupLayer;
  /** The server's metrics, when made with `metrics` (serve `metrics.text()` as `metrics.contentType`). */
  readonly metrics: ChanxMetrics | undefined;
  /** What /readyz answers: not ready while shutting down or while the group layer is cut off from Redis. */
  readonly health: { readonly ready: boolean; readonly state: string };
  /** This process's members per group (the layer's view of them). */
  readonly groups: Pick<GroupLayer, 'size'>;
  /**
   * Typed events of `channel` from outside a connection (Chanx's broadcast_event / send_event):
   * the channel's server-to-client messages, or, given the consumer class, what its `onEvent` takes.
   */
  events<H, Out, C extends abstract new () => H = never>(
    channel: ChannelDefinition<H, Out, any>,
    consumer?: C,
  ): ChannelEvents<[C] extends [never] ? Out : EventOf<C, Out>>;
  /** Starts listening; resolves with the bound port (pass 0 for an ephemeral one). */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Stops accepting, lets in-flight handlers finish (up to `shutdownTimeoutMs`), closes every
   * connection with 1001, runs onDisconnect and leaves every group, then stops listening.
   */
  close(): Promise<void>;
}

const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

export function createChanxServer(routes: readonly Route[], options: ServerOptions = {}): ChanxServer {
  const logger = guardLogger(options.logger ?? { error: (message) => console.error(message) });
  const layer: GroupLayer = options.layer ?? new MemoryLayer();
  const metrics = options.metrics === true ? new ChanxMetrics() : options.metrics === false ? undefined : options.metrics;
  const ops: Ops = { log: logger, metrics, payloads: options.logPayloads === true };
  const health = new Health(logger);
  layer.observe?.(health);
  if (metrics !== undefined) layer.observe?.(metrics.layerObserver());
  const rateLimit = typeof options.rateLimit === 'string' ? parseRateLimit(options.rateLimit) : options.rateLimit && checkRateLimit(options.rateLimit);
  const ipCap = options.maxConnectionsPerIp === undefined ? undefined : new IpCap(options.maxConnectionsPerIp);
  const trusted = trustedSet(options.trustedProxies);
  const httpServer = options.server ?? createHttpServer();
  // With a rate limit the connection takes or refuses each frame of a TCP read as it comes, and
  // handles the ones taken a turn of the event loop apart (connection.ts, `limited`).
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD });
  const runtime: ConnectionRuntime = {
    limits: resolveLimits(options),
    live: new Set(),
    settling: new Set(),
    keepRequest: options.keepUpgradeRequest === true,
    rateLimit,
  };
  const heartbeatMs = options.heartbeatIntervalMs === 0 ? Infinity : positive(options.heartbeatIntervalMs, DEFAULT_HEARTBEAT_MS, 'heartbeatIntervalMs');
  const shutdownMs = positive(options.shutdownTimeoutMs, DEFAULT_SHUTDOWN_TIMEOUT_MS, 'shutdownTimeoutMs');
  const state = {
    closing: false,
    upgrading: 0,
    get count() {
      return runtime.live.size + this.upgrading;
    },
  };
  const refusal = admission(options, state);
  const heartbeat = startHeartbeat(heartbeatMs, runtime.live);
  // Mount each address once (channels that share an address, such as x-topic ones, keep the first),
  // and try fixed addresses before parameterised ones so `/ws/room/new` beats `/ws/room/{name}`.
  const seen = new Set<string>();
  const table: { path: PathTemplate; route: Route }[] = [];
  for (const route of routes) {
    const address = route.mounted.channel.address;
    if (seen.has(address)) continue;
    seen.add(address);
    let mounted: MountedChannel = options.sendCompletion === true ? { ...route.mounted, dispatch: { sendCompletion: true } } : route.mounted;
    // Watched only when someone looks: metrics, or a logger that takes more than errors.
    if (metrics !== undefined || logger.structured) mounted = { ...mounted, watch: new ChannelWatch(mounted.channel, ops) };
    table.push({ path: compilePath(address, route.mounted.channel.paramValues), route: { mounted } });
  }
  table.sort((a, b) => Number(a.path.address.includes('{')) - Number(b.path.address.includes('{')));

  const find = (req: IncomingMessage): { route: Route; params: Record<string, string> } | undefined => {
    const pathname = requestPath(req.url);
    if (pathname === undefined) return undefined;
    for (const { path, route } of table) {
      const params = path.match(pathname);
      if (params !== undefined) return { route, params };
    }
    return undefined;
  };

  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroySocket);
    const refused = refusal(req);
    if (refused !== undefined) {
      metrics?.reject(refused.type);
      return refuseUpgrade(socket, refused.status, refused.text);
    }
    const found = find(req);
    if (found === undefined) return refuseUpgrade(socket, 404, 'Not Found');
    if (ipCap !== undefined) {
      const address = clientAddress(req, trusted);
      if (!ipCap.admit(address)) {
        metrics?.reject('max_connections_per_ip');
        return refuseUpgrade(socket, 429, 'Too Many Requests');
      }
      socket.once('close', () => ipCap.release(address));
    }
    state.upgrading++;
    let settled = false;
    const upgraded = (): void => {
      if (!settled) state.upgrading--;
      settled = true;
    };
    socket.once('close', upgraded);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      upgraded();
      socket.off('close', upgraded);
      if (state.closing) return ws.close(1001, 'Server shutting down');
      try {
        new Connection(ws, found.route.mounted, sharedIfEmpty(found.params), req, layer, logger, runtime);
      } catch (err) {
        // The consumer could not be made: this connection ends, the server goes on.
        logger.error(`${found.route.mounted.channel.address}: could not start a connection: ${describeError(err)}`, err);
        ws.close(1011, 'Internal error');
      }
    });
  });
  if (options.server === undefined)
    httpServer.on(
      'request',
      createRequestHandler(options, (req) => find(req) !== undefined, health),
    );

  let closed: Promise<void> | undefined;
  const shutDown = async (): Promise<void> => {
    state.closing = true;
    health.shuttingDown();
    logger.info({ connections: runtime.live.size }, 'server shutting down');
    heartbeat.stop();
    // The port stays open until the connections are done, so that /readyz answers 503 meanwhile
    // (and upgrades get 503) rather than a refused connection.
    await endAll([...runtime.live, ...runtime.settling], shutdownMs);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (httpServer.listening) {
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      await stopped;
    }
    logger.info({}, 'server stopped');
  };

  return {
    httpServer,
    layer,
    metrics,
    health,
    events: (channel, consumer) => channelEvents(channel, layer, consumer),
    groups: layer,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const bound = (httpServer.address() as AddressInfo).port;
          logger.info({ port: bound, host: host ?? null }, 'server listening');
          resolve(bound);
        });
      });
    },
    close() {
      return (closed ??= shutDown());
    },
  };
}

/** Shared by every socket (a closure here would keep the whole upgrade, request included, alive). */
function destroySocket(this: Duplex): void {
  this.destroy();
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;
/** Addresses without parameters share one empty (frozen) params object. */
function sharedIfEmpty(params: Record<string, string>): Record<string, string> {
  for (const _ in params) return params;
  return NO_PARAMS;
}
