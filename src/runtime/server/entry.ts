/** Starting a generated server as a program: `npm start` runs generated/server.ts. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RedisLayer } from '../layers/redis-layer.js';
import type { MetricsServer } from '../ops/metrics-server.js';
import type { Logger } from '../support/logger.js';
import type { ChanxServer, ServerOptions } from './server.js';

/** Is the module at `moduleUrl` the program node was asked to run (argv[1]; none under `node -e`)? */
export function isEntryPoint(moduleUrl: string, argv: readonly string[] = process.argv): boolean {
  const script = argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(script);
  } catch {
    return false;
  }
}

/** What serveFromEnv uses of the process it runs in (`process` itself by default). */
export interface EntryProcess {
  readonly env: Record<string, string | undefined>;
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  exit(code: number): void;
}

/** Where serveFromEnv prints (`console` by default). */
export interface EntryConsole {
  log(line: string): void;
  error(line: string): void;
}

/**
 * Listens on PORT (default 8000) and HOST, prints the address, and shuts down gracefully on the
 * first SIGINT/SIGTERM (`server.close()`: stop accepting, let in-flight handlers finish, 1001 to
 * every client, onDisconnect, exit 0). A second signal exits at once with 1. Given the server's
 * factory, the environment configures it:
 * - REDIS_URL, REDIS_SENTINELS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES (and REDIS_PREFIX)
 *   put its groups on Redis (a RedisLayer, closed last). The server listens once the layer carries
 *   groups, or after REDIS_WAIT_MS (default 5000) without Redis, saying so: it then serves its own
 *   connections, and /readyz answers 503 until Redis does;
 * - LOG_LEVEL (default info) and LOG_PAYLOADS=1: JSON logs with pino on stderr;
 * - METRICS_PORT (and METRICS_HOST, default HOST): GET /metrics on a port of its own;
 * - RATE_LIMIT (`100/s`, `100/s,burst=200`), MAX_CONNECTIONS_PER_IP, TRUSTED_PROXIES (comma-separated).
 */
export async function serveFromEnv(
  create: ChanxServer | ((options: ServerOptions) => ChanxServer),
  proc: EntryProcess = process,
  out: EntryConsole = console,
): Promise<void> {
  const { env } = proc;
  const factory = typeof create === 'function';
  const settings = factory ? await optionsFromEnv(env) : undefined;
  const layerWaitMs = waitMs(env);
  const layer = factory ? await layerFromEnv(env, out, settings?.logger) : undefined;
  const server = typeof create === 'function' ? create(layer === undefined ? { ...settings } : { ...settings, layer }) : create;
  const port = Number(env['PORT'] ?? 8000);
  const host = env['HOST'];
  let metricsServer: MetricsServer | undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return proc.exit(1);
    stopping = true;
    void server
      .close()
      .then(() => metricsServer?.close())
      .then(() => layer?.close())
      .then(
        () => 0,
        (err: unknown) => {
          out.error(`chanx-gen server: shutdown failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          return 1;
        },
      )
      // The log lines on their way out first (ops/logging.ts says why it must be before exit).
      .then(async (code) => {
        if (settings !== undefined) await (await import('../ops/logging.js')).endLogs(settings.logger).catch(() => undefined);
        proc.exit(code);
      });
  };
  // The signals are handled before the address is printed: whoever waits for that line (a
  // supervisor, a test) may send SIGTERM at once, and it must not find node's default (death by
  // signal). So they are while the layer is awaited: the server then closes without having listened.
  proc.on('SIGINT', stop);
  proc.on('SIGTERM', stop);
  if (layer !== undefined) await linkOrGoOn(layer, layerWaitMs, out);
  if (stopping) return;
  const bound = await server.listen(Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 8000, host);
  out.log(`chanx-gen server listening on ws://${host ?? 'localhost'}:${bound}`);
  const metricsPort = env['METRICS_PORT'];
  if (metricsPort && server.metrics !== undefined) {
    metricsServer = await (await import('../ops/metrics-server.js')).serveMetrics(
      server.metrics,
      portNumber(metricsPort, 'METRICS_PORT'),
      env['METRICS_HOST'] || host,
    );
    out.log(`chanx-gen metrics on http://${env['METRICS_HOST'] || host || 'localhost'}:${metricsServer.port}/metrics`);
  }
}

/** The server's options the environment gives (see serveFromEnv). Throws on a value it cannot read. */
export async function optionsFromEnv(env: EntryProcess['env']): Promise<ServerOptions & { logger: Logger }> {
  const { loggerFromEnv } = await import('../ops/logging.js');
  const { logger, payloads } = loggerFromEnv(env);
  const options: ServerOptions & { logger: Logger } = { logger, logPayloads: payloads };
  if (env['METRICS_PORT']) {
    portNumber(env['METRICS_PORT'], 'METRICS_PORT');
    options.metrics = true;
  }
  if (env['RATE_LIMIT']) options.rateLimit = env['RATE_LIMIT'];
  if (env['MAX_CONNECTIONS_PER_IP']) options.maxConnectionsPerIp = Number(env['MAX_CONNECTIONS_PER_IP']);
  if (env['TRUSTED_PROXIES']) options.trustedProxies = env['TRUSTED_PROXIES'].split(',');
  return options;
}

function portNumber(text: string, name: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${name} must be a port number (0-65535), got '${text}'`);
  return port;
}

/**
 * Waits until the layer carries groups, or `ms` without Redis. Listening before that would take
 * connections whose broadcasts reach this process only: right after a start (the first frames of a
 * deploy) they were lost for the other processes, and logged as if Redis had gone away.
 */
async function linkOrGoOn(layer: RedisLayer, ms: number, out: EntryConsole): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  // A cluster's first error before it is ready ends the wait too: ioredis goes on reconnecting.
  const linked = await Promise.race([
    layer.ready().then(
      () => true,
      () => false,
    ),
    late,
  ]);
  clearTimeout(timer);
  if (!linked) out.error(`chanx-gen: ${layer.where} is not reachable yet; serving this process's connections meanwhile (/readyz answers 503 until it is)`);
}

/** REDIS_WAIT_MS: how long the server waits for Redis before it listens without it. */
function waitMs(env: EntryProcess['env']): number {
  const text = env['REDIS_WAIT_MS'];
  if (!text) return 5000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`REDIS_WAIT_MS must be a whole number of milliseconds, got '${text}'`);
  return ms;
}

/**
 * A RedisLayer (loaded only then) when REDIS_CLUSTER_NODES (a cluster, sharded pub/sub),
 * REDIS_SENTINELS with REDIS_SENTINEL_NAME (the master Sentinel names; REDIS_URL may add a password
 * and db) or REDIS_URL (one Redis) is set; else undefined: the in-memory default. REDIS_PREFIX
 * namespaces the channels in each case.
 */
async function layerFromEnv(env: EntryProcess['env'], out: EntryConsole, logger?: Logger): Promise<RedisLayer | undefined> {
  // Unset or empty is unset.
  const url = env['REDIS_URL'] || undefined;
  const clusterNodes = env['REDIS_CLUSTER_NODES'] || undefined;
  const sentinels = env['REDIS_SENTINELS'] || undefined;
  if (url === undefined && clusterNodes === undefined && sentinels === undefined) return undefined;
  if (clusterNodes !== undefined && (sentinels !== undefined || url !== undefined))
    throw new Error('REDIS_CLUSTER_NODES cannot be combined with REDIS_SENTINELS or REDIS_URL: set one way to reach Redis');
  const { RedisLayer } = await import('../layers/redis-layer.js');
  const layer = new RedisLayer({
    ...(clusterNodes === undefined ? {} : { clusterNodes }),
    ...(sentinels === undefined ? {} : { sentinels, sentinelName: env['REDIS_SENTINEL_NAME'] }),
    ...(url === undefined ? {} : { url }),
    prefix: env['REDIS_PREFIX'] || undefined,
    ...(logger === undefined ? {} : { logger }),
  });
  out.log(`chanx-gen groups through ${layer.where}`);
  return layer;
}
