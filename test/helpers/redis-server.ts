/**
 * A real redis-server (Debian's) for a test: started on a free loopback port, with no persistence,
 * killed (SIGKILL, as a crash) and started again on the same port. Where redis-server is missing,
 * tests are skipped, except under CI, where they run and fail (`.ci/run` installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket } from 'node:net';

const BINARY = process.env['REDIS_SERVER'] ?? 'redis-server';

/** Whether redis-server can run here; under CI the tests never skip, so a missing one fails them. */
export const redisRunnable = process.env['CI'] !== undefined && process.env['CI'] !== '' ? true : spawnSync(BINARY, ['--version']).status === 0;

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: the server vanishes mid-stream, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** On a free port, or on `port` (for a test of a default address; the caller checks it is free). */
export async function startRedis(port?: number): Promise<RedisServer> {
  port ??= await freePort();
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      await killChild(child, 'SIGKILL');
    },
    async restart() {
      child = await launch(port);
    },
    async stop() {
      await killChild(child, 'SIGTERM');
    },
  };
}

/** The arguments of a throwaway server on `port`: loopback only, no persistence, quiet. */
export function serverArgs(port: number): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--loglevel', 'warning'];
}

async function launch(port: number): Promise<ChildProcess> {
  return launchRedis(port, serverArgs(port));
}

/**
 * Runs redis-server with `args` (a config file first, when there is one) and resolves once it
 * answers PING on `port`; `cwd` is where it writes files of its own (a cluster's nodes.conf).
 */
export async function launchRedis(port: number, args: string[], cwd?: string): Promise<ChildProcess> {
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await once(child, 'spawn').catch((err: Error) => {
    throw new Error(`cannot run ${BINARY} (${err.message}); install Debian's redis-server (.ci/run does when it is missing)`);
  });
  // Ready when it answers PING on its port.
  const deadline = Date.now() + 10_000;
  while (!(await pings(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${out}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within 10 s: ${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return child;
}

export async function killChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let answer = '';
    socket.setTimeout(500);
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.startsWith('+PONG'));
      }
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
