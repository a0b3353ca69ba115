/**
 * Outbound backpressure: what to do after a frame was queued for sending on one connection.
 * A peer that reads more slowly than it is sent to first has its own reading paused (its requests
 * wait in TCP); one whose queue still grows past the limit (broadcasts, pushes, a huge reply) is
 * closed, so that no peer can make the server hold more than the limit for it. Nothing here ever
 * waits: other connections and broadcasts go on at full speed.
 */
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { ConnectionLimits } from './limits.js';

export type OutboundVerdict = 'ok' | 'behind' | 'over';

/** `buffered`: what the connection's socket holds unsent (ws's bufferedAmount). */
export function outboundVerdict(buffered: number, limits: ConnectionLimits): OutboundVerdict {
  if (buffered > limits.maxBufferedBytes) return 'over';
  if (buffered >= limits.pauseReadingAtBytes) return 'behind';
  return 'ok';
}

/** Calls `drained` once the connection's socket has flushed what it was asked to write. */
export function whenDrained(ws: WebSocket, drained: () => void): void {
  const socket = socketOf(ws);
  if (socket === undefined || !socket.writableNeedDrain) drained();
  else {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      drained();
    };
    socket.on('drain', done);
    socket.on('close', done);
  }
}

/** How long a connection closed for its backlog may take to flush its close frame before it is cut. */
export const OVERFLOW_CLOSE_GRACE_MS = 1000;

/** The TCP socket under a ws connection (ws keeps it as `_socket`; it is not public API). */
export function socketOf(ws: WebSocket): Duplex | undefined {
  return (ws as unknown as { _socket?: Duplex })._socket ?? undefined;
}
