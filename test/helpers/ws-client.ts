/** A real ws client that records every frame, for walking a server frame by frame. */
import WebSocket from 'ws';

export interface Recorder {
  ws: WebSocket;
  /** Resolves with the next frame (text), or rejects after `ms`. */
  next(ms?: number): Promise<string>;
  /** The next frame, parsed. */
  nextJson(ms?: number): Promise<unknown>;
  /** Resolves with [code, reason] when the connection closes. */
  closed: Promise<[number, string]>;
  /** Frames received and not yet taken. */
  pending(): string[];
}

/** A server that never answers the upgrade fails the test within this time rather than hanging it. */
const HANDSHAKE_MS = 5000;

export async function connect(url: string, headers?: Record<string, string>): Promise<Recorder> {
  const ws = new WebSocket(url, headers === undefined ? { handshakeTimeout: HANDSHAKE_MS } : { headers, handshakeTimeout: HANDSHAKE_MS });
  const queue: string[] = [];
  const waiters: ((frame: string) => void)[] = [];
  ws.on('message', (data) => {
    const frame = data.toString();
    const w = waiters.shift();
    if (w) w(frame);
    else queue.push(frame);
  });
  const closed = new Promise<[number, string]>((resolve) => ws.on('close', (code, reason) => resolve([code, reason.toString()])));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (ms = 2000) =>
    new Promise<string>((resolve, reject) => {
      const queued = queue.shift();
      if (queued !== undefined) return resolve(queued);
      const waiter = (frame: string) => {
        clearTimeout(timer);
        resolve(frame);
      };
      // A waiter that timed out leaves: the next frame goes to the next caller, not to nobody.
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no frame within ${ms} ms`));
      }, ms);
      waiters.push(waiter);
    });
  return { ws, next, nextJson: async (ms) => JSON.parse(await next(ms)), closed, pending: () => [...queue] };
}

/** Waits `ms` and returns whatever arrived meanwhile (to show that nothing did). */
export async function quietFor(rec: Recorder, ms: number): Promise<string[]> {
  await new Promise((r) => setTimeout(r, ms));
  return rec.pending();
}

/** The HTTP status a WebSocket upgrade to `url` gets (101 when it is accepted); `origin` as a browser sends it. */
export function upgradeStatus(url: string, origin?: string): Promise<number | undefined> {
  const ws = new WebSocket(url, origin === undefined ? { handshakeTimeout: HANDSHAKE_MS } : { origin, handshakeTimeout: HANDSHAKE_MS });
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => resolve(undefined));
  });
}
