/**
 * A bare `ws` server on 127.0.0.1 for tests of chanx-gen/client: it answers each frame with what
 * `answer` returns, records frames and upgrade headers, and can refuse upgrades or drop clients.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

export type Frame = Record<string, unknown>;

export interface FakeOptions {
  path?: string;
  port?: number;
  /** The frames (objects, or raw strings) to send back for one frame; `connection` counts from 1. */
  answer?: (frame: Frame, connection: number) => (Frame | string)[];
  /** False refuses the upgrade (HTTP 401), a promise holds it until it settles; `attempt` counts upgrades from 1. */
  accept?: (attempt: number) => boolean | Promise<boolean>;
  /** True closes connection number `connection` (from 1) with 1008 as soon as it opens, as a refused authentication does. */
  closeAtOnce?: (connection: number) => boolean;
}

export interface Fake {
  url: string;
  port: number;
  /** Every frame received, parsed. */
  frames: Frame[];
  /** The headers of every upgrade request that was accepted. */
  headers: IncomingHttpHeaders[];
  /** How many upgrades were asked for, accepted or not. */
  attempts(): number;
  /** The close code and reason of every client that closed its connection. */
  closes: [number, string][];
  /** How many clients are connected now. */
  connected(): number;
  /** Sends to every connected client. */
  push(frame: Frame | string): void;
  /** Cuts every client off (as a dying server would), leaving the server up. */
  drop(): void;
  /** Closes every client's connection with a close frame of `code` and `reason`. */
  kick(code: number, reason: string): void;
  stop(): Promise<void>;
}

export async function fakeServer(options: FakeOptions = {}): Promise<Fake> {
  let attempts = 0;
  let connections = 0;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    path: options.path ?? '/ws/test',
    verifyClient: (_info, done) => {
      attempts++;
      void Promise.resolve(options.accept?.(attempts) ?? true).then((ok) => done(ok, ok ? undefined : 401));
    },
  });
  await new Promise((r) => wss.once('listening', r));
  const frames: Frame[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const closes: [number, string][] = [];
  const send = (ws: WebSocket, f: Frame | string) => ws.send(typeof f === 'string' ? f : JSON.stringify(f));
  wss.on('connection', (ws, req) => {
    const connection = ++connections;
    headers.push(req.headers);
    if (options.closeAtOnce?.(connection) === true) ws.close(1008, 'refused');
    ws.on('close', (code, reason) => closes.push([code, String(reason)]));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      frames.push(frame);
      for (const f of options.answer?.(frame, connection) ?? []) send(ws, f);
    });
  });
  const drop = () => {
    for (const ws of wss.clients) ws.terminate();
  };
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    frames,
    headers,
    closes,
    attempts: () => attempts,
    connected: () => wss.clients.size,
    push: (f) => {
      for (const ws of wss.clients) send(ws, f);
    },
    drop,
    kick: (code, reason) => {
      for (const ws of wss.clients) ws.close(code, reason);
    },
    stop: () =>
      new Promise<void>((r) => {
        drop();
        wss.close(() => r());
      }),
  };
}
