/**
 * A connection's ws events, through listeners shared by every connection: each finds its connection
 * on the socket, so an idle connection carries no closure for them.
 */
import type WebSocket from 'ws';

/** What a connection does with its socket's events. */
export interface SocketEvents {
  /** 'message': one frame (ws hands over a read's frames in one go). */
  received(data: Buffer, isBinary: boolean): void;
  /** 'pong' */
  ponged(): void;
  /** 'error': the peer broke the protocol (ws closes with 1002, 1007 or 1009). */
  failed(err: Error): void;
  /** 'close' */
  closed(code: number, reason: Buffer): void;
}

const OWNER = Symbol('chanx-gen connection');

/** Sends `ws`'s events to `owner`. */
export function listenTo(ws: WebSocket, owner: SocketEvents): void {
  (ws as unknown as Record<symbol, SocketEvents>)[OWNER] = owner;
  ws.on('message', onMessage);
  ws.on('pong', onPong);
  ws.on('error', onError);
  ws.on('close', onClose);
}

function ownerOf(ws: WebSocket): SocketEvents {
  return (ws as unknown as Record<symbol, SocketEvents>)[OWNER]!;
}
function onMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  ownerOf(this).received(data as Buffer, isBinary);
}
function onPong(this: WebSocket): void {
  ownerOf(this).ponged();
}
function onError(this: WebSocket, err: Error): void {
  ownerOf(this).failed(err);
}
function onClose(this: WebSocket, code: number, reason: Buffer): void {
  ownerOf(this).closed(code, reason);
}
