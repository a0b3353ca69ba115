/**
 * End to end over ws on loopback: a server in its own process, this process as the clients.
 * Throughput and latency with many connections and messages in flight; server RSS per idle connection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { median, percentile, type Row } from './stats.js';

export interface ServerUnderTest {
  name: string;
  command: string[];
  /** Environment besides PORT and HOST. */
  env?: Record<string, string>;
}

interface Started {
  child: ChildProcess;
  url: string;
}

async function start(server: ServerUnderTest): Promise<Started> {
  const child = spawn(server.command[0]!, server.command.slice(1), {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...server.env },
    // The servers' logs (pino at info for npm start: a line per connection) would bury the figures.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${server.name} exited (${code})`)));
  });
  return { child, url: `ws://127.0.0.1:${port}/ws/system` };
}

async function stop(s: Started): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN) * 1024;
}

/** Opens a connection and resolves once the welcome frame has arrived. */
function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('message', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** `connections` clients, each keeping `window` echo requests in flight, for `seconds`. */
async function load(url: string, connections: number, window: number, seconds: number): Promise<{ rate: number; latencies: number[] }> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(url)));
  const latencies: number[] = [];
  let replies = 0;
  let running = true;
  const frame = JSON.stringify({ action: 'user_message', payload: { message: 'hello, benchmark' } });
  const started = performance.now();
  for (const ws of sockets) {
    const sentAt: number[] = [];
    const send = () => {
      sentAt.push(performance.now());
      ws.send(frame);
    };
    ws.on('message', () => {
      const t = sentAt.shift()!;
      latencies.push(performance.now() - t);
      replies++;
      if (running) send();
    });
    for (let i = 0; i < window; i++) send();
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const elapsed = (performance.now() - started) / 1000;
  const rate = replies / elapsed;
  for (const ws of sockets) ws.terminate();
  return { rate, latencies };
}

export async function benchWs(servers: ServerUnderTest[], rounds = 3, seconds = 3): Promise<Row[]> {
  const rates = new Map<string, number[]>(servers.map((s) => [s.name, []]));
  const lat = new Map<string, number[]>(servers.map((s) => [s.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const server of servers) {
      const s = await start(server);
      await load(s.url, 8, 8, 0.5); // warm up
      const { rate, latencies } = await load(s.url, 64, 16, seconds);
      rates.get(server.name)!.push(rate);
      for (const l of latencies) lat.get(server.name)!.push(l);
      await stop(s);
    }
  }
  const rows: Row[] = [];
  for (const server of servers) {
    const sorted = lat.get(server.name)!.sort((a, b) => a - b);
    rows.push({
      name: `ws e2e: ${server.name}`,
      value: median(rates.get(server.name)!),
      unit: 'msg/s',
      extra: `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms (64 connections x 16 in flight)`,
    });
  }
  return rows;
}

export async function benchIdle(servers: ServerUnderTest[], counts = [1000, 10000]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const server of servers) {
    for (const n of counts) {
      const s = await start(server);
      await new Promise((r) => setTimeout(r, 300));
      const before = rssOf(s.child.pid!);
      const sockets: WebSocket[] = [];
      for (let i = 0; i < n; i += 250) sockets.push(...(await Promise.all(Array.from({ length: Math.min(250, n - i) }, () => open(s.url)))));
      await new Promise((r) => setTimeout(r, 500));
      const after = rssOf(s.child.pid!);
      rows.push({
        name: `idle: ${server.name}, ${n} connections`,
        value: after / 2 ** 20,
        unit: 'MiB RSS',
        extra: `${((after - before) / n / 1024).toFixed(1)} KiB per connection (RSS before: ${(before / 2 ** 20).toFixed(0)} MiB)`,
      });
      for (const ws of sockets) ws.terminate();
      await stop(s);
    }
  }
  return rows;
}
