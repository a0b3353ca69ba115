/**
 * serveFromEnv and isEntryPoint in this process (npm-start.test.ts runs the real program): the
 * environment, the signals, the exit code and what is printed are handed in as a process would.
 */
import { mkdtempSync, symlinkSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createChanxServer, isEntryPoint, mount, serveFromEnv, type ChanxServer, type ServerOptions } from 'chanx-gen/runtime';
import { systemChannel } from '../../generated/system/router.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import { FakeProcess } from '../helpers/fake-process.js';
import { connect } from '../helpers/ws-client.js';
import { WELCOME } from './serve.js';

const systemServer = (options: ServerOptions = {}): ChanxServer =>
  createChanxServer([mount(systemChannel, SystemConsumer)], { logger: { error: () => undefined }, ...options });

/** A factory whose servers record the port and host asked for and listen on 127.0.0.1, port 0 (no test takes port 8000). */
function recording(): { create: (options: ServerOptions) => ChanxServer; asked: [number, string | undefined][]; servers: ChanxServer[] } {
  const asked: [number, string | undefined][] = [];
  const servers: ChanxServer[] = [];
  const create = (options: ServerOptions): ChanxServer => {
    const server = systemServer(options);
    const listen = server.listen.bind(server);
    server.listen = (port, host) => {
      asked.push([port, host]);
      return listen(0, '127.0.0.1');
    };
    servers.push(server);
    return server;
  };
  return { create, asked, servers };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('serveFromEnv', () => {
  it('listens on PORT and HOST, prints the address, and on SIGTERM closes every client with 1001, then exits 0', async () => {
    const port = await freePort();
    const proc = new FakeProcess({ PORT: String(port), HOST: '127.0.0.1' });
    await serveFromEnv(systemServer, proc, proc.out);
    expect(proc.logs).toEqual([`chanx-gen server listening on ws://127.0.0.1:${port}`]);
    const client = await connect(`ws://127.0.0.1:${port}/ws/system`);
    expect(await client.next()).toBe(WELCOME);
    const exit = proc.nextExit();
    proc.signals.emit('SIGTERM');
    expect((await client.closed)[0]).toBe(1001);
    expect(await exit).toBe(0);
    expect(proc.exits).toEqual([0]);
    expect(proc.errors).toEqual([]);
  });

  it('handles SIGINT and SIGTERM by the time it prints the address (whoever waits for that line may stop it at once)', async () => {
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1' });
    const handledWhenPrinted: number[] = [];
    proc.out.log = (line: string) => {
      handledWhenPrinted.push(proc.signals.listenerCount('SIGINT'), proc.signals.listenerCount('SIGTERM'));
      proc.logs.push(line);
    };
    await serveFromEnv(systemServer, proc, proc.out);
    expect(handledWhenPrinted).toEqual([1, 1]);
    const exit = proc.nextExit();
    proc.signals.emit('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('asks for port 8000 when PORT is unset or not a port number, any free port for PORT=0, and up to 65535', async () => {
    const { create, asked, servers } = recording();
    for (const PORT of [undefined, 'abc', '-1', '80.5', '65536', '0', '65535'])
      await serveFromEnv(create, new FakeProcess({ PORT, HOST: '127.0.0.1' }), new FakeProcess({}).out);
    await Promise.all(servers.map((s) => s.close()));
    expect(asked.map(([port]) => port)).toEqual([8000, 8000, 8000, 8000, 8000, 0, 65535]);
  });

  it('without HOST listens on every interface and prints localhost with the port it got', async () => {
    const { create, asked, servers } = recording();
    const proc = new FakeProcess({ PORT: '0' });
    await serveFromEnv(create, proc, proc.out);
    const bound = servers[0]!.httpServer.address();
    await servers[0]!.close();
    expect(asked).toEqual([[0, undefined]]);
    expect(typeof bound === 'object' && bound !== null).toBe(true);
    expect(proc.logs).toEqual([`chanx-gen server listening on ws://localhost:${(bound as { port: number }).port}`]);
  });

  it('closes on SIGINT too, and a second signal exits at once with 1', async () => {
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1' });
    const { create, servers } = recording();
    await serveFromEnv(create, proc, proc.out);
    const closed = proc.nextExit().then(() => proc.nextExit());
    proc.signals.emit('SIGINT');
    expect(proc.exits).toEqual([]); // graceful: it waits for the close
    proc.signals.emit('SIGTERM');
    expect(proc.exits).toEqual([1]);
    await closed; // (a real process is gone by now; here the first close still ends)
    expect(servers[0]!.httpServer.listening).toBe(false);
  });

  it('serves a ChanxServer given as it is, without a layer from REDIS_URL', async () => {
    const server = systemServer();
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1', REDIS_URL: 'redis://127.0.0.1:1' });
    await serveFromEnv(server, proc, proc.out);
    expect(server.httpServer.listening).toBe(true);
    expect(proc.logs).toHaveLength(1);
    expect(proc.logs[0]).toMatch(/^chanx-gen server listening on /);
    const exit = proc.nextExit();
    proc.signals.emit('SIGTERM');
    expect(await exit).toBe(0);
    expect(server.httpServer.listening).toBe(false);
  });

  it('gives a factory no layer (the in-memory default) when REDIS_URL is unset or empty', async () => {
    const given: ServerOptions[] = [];
    for (const REDIS_URL of [undefined, '']) {
      const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1', REDIS_URL });
      await serveFromEnv((options) => (given.push(options), systemServer(options)), proc, proc.out);
      const exit = proc.nextExit();
      proc.signals.emit('SIGTERM');
      expect(await exit).toBe(0);
      expect(proc.logs).toHaveLength(1);
    }
    // No layer; the options the environment gives besides (a pino logger at info, payloads off).
    expect(given.map((o) => Object.keys(o).sort())).toEqual([
      ['logPayloads', 'logger'],
      ['logPayloads', 'logger'],
    ]);
  });

  it('logs a shutdown that fails, with its stack, and exits 1', async () => {
    const failure = new Error('could not close');
    const server = systemServer();
    const close = server.close.bind(server);
    server.close = () => close().then(() => Promise.reject(failure));
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1' });
    await serveFromEnv(server, proc, proc.out);
    const exit = proc.nextExit();
    proc.signals.emit('SIGTERM');
    expect(await exit).toBe(1);
    expect(proc.errors).toEqual([`chanx-gen server: shutdown failed: ${failure.stack!}`]);
  });

  it('logs a shutdown that fails with something other than an Error as it is', async () => {
    const server = systemServer();
    const close = server.close.bind(server);
    server.close = () => close().then(() => Promise.reject('layer gone'));
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1' });
    await serveFromEnv(server, proc, proc.out);
    const exit = proc.nextExit();
    proc.signals.emit('SIGINT');
    expect(await exit).toBe(1);
    expect(proc.errors).toEqual(['chanx-gen server: shutdown failed: layer gone']);
  });
});

describe('isEntryPoint', () => {
  const here = fileURLToPath(import.meta.url);

  it('is true for the script node runs, also through a symlink, and false for another one or none', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'entry-'));
    const link = path.join(dir, 'linked.ts');
    symlinkSync(here, link);
    const missing = path.join(dir, 'missing.ts');
    expect(isEntryPoint(import.meta.url, ['node', here])).toBe(true);
    expect(isEntryPoint(import.meta.url, ['node', link])).toBe(true);
    expect(isEntryPoint(pathToFileURL(link).href, ['node', here])).toBe(true);
    expect(isEntryPoint(import.meta.url, ['node', fileURLToPath(new URL('./serve.ts', import.meta.url))])).toBe(false);
    expect(isEntryPoint(import.meta.url, ['node'])).toBe(false); // node -e, the REPL
    expect(isEntryPoint(import.meta.url, ['node', missing])).toBe(false);
    expect(isEntryPoint(pathToFileURL(missing).href, ['node', missing])).toBe(false);
  });
});
