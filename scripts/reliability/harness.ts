/**
 * What the scenarios of npm run reliability (scripts/reliability.ts) share: the server process they
 * attack, its RSS, clients, pings, and the load generators run as processes of their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const MiB = 2 ** 20;

export interface Server {
  child: ChildProcess;
  url: string;
  stderr(): string;
}

export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/reliability/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
  await sleep(300);
  return { child, url: `ws://127.0.0.1:${port}/ws/system`, stderr: () => err };
}

export async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGKILL');
  await exited;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function rss(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
}

/** Samples the RSS of `pid` every 25 ms until stopped; returns the peak. */
export function sampleRss(pid: number): { stop(): number } {
  let peak = rss(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rss(pid));
    } catch {
      // exited
    }
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

export function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('message', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Ping round trips (application-level ping -> pong), in ms, `n` of them one after another. */
export async function pingTimes(ws: WebSocket, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    ws.send('{"action":"ping"}');
    await once(ws, 'message');
    times.push(performance.now() - t);
    await sleep(5);
  }
  return times.sort((a, b) => a - b);
}

/**
 * `node <args>` as a command line; `background` runs it at the lowest CPU priority (nice 19), for a
 * load generator standing in for clients on other machines: on a machine of two cores, a flooder and
 * a thousand members at normal priority would take the CPU from the server they measure.
 */
export function nodeCommand(args: string[], background = false): [string, string[]] {
  return background ? ['nice', ['-n', '19', process.execPath, ...args]] : [process.execPath, args];
}

export function runNode(args: string[], background = false): { child: ChildProcess; output: Promise<string> } {
  const child = spawn(...nodeCommand(args, background), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return { child, output: once(child, 'exit').then(() => out) };
}
