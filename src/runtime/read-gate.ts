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

export class ReadGate {
  private held = 0;

  constructor(private readonly ws: WebSocket) {}

  holds(cause: number): boolean {
    return (this.held & cause) !== 0;
  }

  hold(cause: number): void {
    if (this.held === 0) this.ws.pause();
    this.held |= cause;
  }

  release(cause: number): void {
    if ((this.held & cause) === 0) return;
    this.held &= ~cause;
    if (this.held === 0) this.ws.resume();
  }
}
