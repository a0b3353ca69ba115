/**
 * Inbound backpressure: whether a connection's socket is read. Several causes may each hold reading
 * paused; the socket is read again only when none does. While paused, a fast sender is slowed by TCP
 * (its writes fill the kernel buffers) instead of filling the server's memory.
 */
import type WebSocket from 'ws';

/** Frames wait behind an unfinished (async) handler. */
export const HANDLERS_BEHIND = 1;
/** Replies wait to be sent: the peer reads more slowly than it writes. */
export const REPLIES_UNDRAINED = 2;
/** The server is shutting down: nothing new is read. */
export const SHUTTING_DOWN = 4;
/** The peer sent too much (rate limit, queued frames) and is being closed: it is never read again. */
export const SENT_TOO_MUCH = 8;

/**
 * Adds `cause` to what holds reading paused (`held`, a set of the bits above) and returns the new
 * set; the socket pauses when the first cause arrives. A number on the connection, not an object:
 * idle connections should cost as little as a hand-written server's.
 */
export function holdReading(ws: WebSocket, held: number, cause: number): number {
  if (held === 0) ws.pause();
  return held | cause;
}

/** Removes `cause`; the socket is read again once nothing holds it. */
export function releaseReading(ws: WebSocket, held: number, cause: number): number {
  const rest = held & ~cause;
  if (rest === 0) ws.resume(); // a no-op on a socket that is read already
  return rest;
}
