/**
 * The frame path in one process: a client sends frames one batch at a time and waits for every
 * reply; heap growth per frame (with a young generation large enough that no collection runs, in a
 * process started with --expose-gc) is what the server's path and the client together allocate.
 * The client is the same for both servers, so the difference is the server's: the generated one
 * (queue, turn, dispatchFrame, validation, send) against a hand-written ws listener doing the same
 * work with the same precompiled validators.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { createServer } from '../generated/server.js';
import { validatePingMessage, validateUserMessage } from '../generated/system/validators.js';
import { median, type Row } from './stats.js';

const FRAMES = Array.from({ length: 1024 }, (_, i) =>
  i % 4 === 0 ? '{"action":"ping"}' : JSON.stringify({ action: 'user_message', payload: { message: `hello ${i}` } }),
);

interface Target {
  port: number;
  close(): Promise<void>;
}

async function generated(): Promise<Target> {
  const server = createServer();
  const port = await server.listen(0, '127.0.0.1');
  return { port, close: () => server.close() };
}

function handWritten(): Promise<Target> {
  const http: Server = createHttpServer();
  const wss = new WebSocketServer({ server: http, path: '/ws/system', maxPayload: 1024 * 1024 });
  wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ action: 'system_echo', payload: { message: '🔧 System: Connection established!' } }));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.action === 'ping' && validatePingMessage(msg)) ws.send(JSON.stringify({ action: 'pong', payload: null }));
      else if (msg.action === 'user_message' && validateUserMessage(msg))
        ws.send(JSON.stringify({ action: 'system_echo', payload: { message: `🔧 System Echo: ${msg.payload.message}` } }));
      else ws.send(JSON.stringify({ action: 'error', payload: null }));
    });
  });
  return new Promise((resolve) =>
    http.listen(0, '127.0.0.1', () =>
      resolve({
        port: (http.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => (wss.close(), http.close(() => done()), http.closeAllConnections())),
      }),
    ),
  );
}

/** Sends `n` frames in batches of `batch`, each batch after the previous one's replies; resolves with the time taken in seconds. */
async function drive(ws: WebSocket, n: number, batch = 64): Promise<number> {
  const start = process.hrtime.bigint();
  let sent = 0;
  while (sent < n) {
    const size = Math.min(batch, n - sent);
    await new Promise<void>((resolve) => {
      let left = size;
      const onMessage = () => {
        if (--left === 0) {
          ws.off('message', onMessage);
          resolve();
        }
      };
      ws.on('message', onMessage);
      for (let i = 0; i < size; i++) ws.send(FRAMES[(sent + i) & 1023]!);
    });
    sent += size;
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function connect(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/system`);
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve()); // the greeting
    ws.once('error', reject);
  });
  return ws;
}

/** Frames per second (median of `rounds`) and bytes allocated per frame, generated server vs hand-written listener. */
export async function benchFramePath(rounds = 5, n = 20_000): Promise<Row[]> {
  const variants: [string, () => Promise<Target>][] = [
    ['frame path: generated server (in process)', generated],
    ['frame path: hand-written ws listener (in process)', handWritten],
  ];
  const gc = (globalThis as { gc?: () => void }).gc;
  const rows: Row[] = [];
  for (const [name, start] of variants) {
    const target = await start();
    const ws = await connect(target.port);
    await drive(ws, n); // warm up the JIT
    const rates: number[] = [];
    for (let r = 0; r < rounds; r++) rates.push(n / (await drive(ws, n)));
    let bytes: number | undefined;
    if (gc !== undefined) {
      // Small batches, several times, median: a batch this small fits the young generation, so heap
      // growth is what it allocated (a collection in between would only lower one sample).
      const m = 2_000;
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        gc();
        const before = process.memoryUsage().heapUsed;
        await drive(ws, m);
        samples.push((process.memoryUsage().heapUsed - before) / m);
      }
      bytes = median(samples);
    }
    ws.close();
    await target.close();
    rows.push({ name, value: median(rates), unit: 'msg/s', extra: bytes === undefined ? '' : `${bytes.toFixed(0)} B allocated/frame (server and client)` });
  }
  return rows;
}
