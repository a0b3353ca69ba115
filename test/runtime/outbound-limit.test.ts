/**
 * Outbound backpressure's two pieces alone: the verdict on a connection's send buffer, and the
 * wait for its socket to drain, which calls back exactly once and leaves no listener behind.
 */
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import type WebSocket from 'ws';
import { outboundVerdict, whenDrained } from '../../src/runtime/limits/outbound-limit.js';

/** A ws whose socket (ws keeps it as `_socket`) is an emitter with `writableNeedDrain`. */
function fakeWs(bufferedAmount: number, needDrain: boolean): { ws: WebSocket; socket: EventEmitter & { writableNeedDrain: boolean } } {
  const socket = Object.assign(new EventEmitter(), { writableNeedDrain: needDrain });
  return { ws: { bufferedAmount, _socket: socket } as unknown as WebSocket, socket };
}

it('says ok under the pause mark, behind from it, over past the limit', () => {
  const limits = { maxBufferedBytes: 100, pauseReadingAtBytes: 50, maxQueuedFrames: 1 };
  expect([49, 50, 100, 101].map((n) => outboundVerdict(n, limits))).toEqual(['ok', 'behind', 'behind', 'over']);
});

it('calls back at once when nothing waits to be written, or there is no socket any more', () => {
  let calls = 0;
  whenDrained(fakeWs(0, false).ws, () => calls++);
  whenDrained({ bufferedAmount: 0 } as unknown as WebSocket, () => calls++);
  expect(calls).toBe(2);
});

it('calls back once per wait, on drain or on close, and leaves no listener behind', () => {
  const { ws, socket } = fakeWs(1000, true);
  let calls = 0;
  for (let i = 0; i < 20; i++) {
    whenDrained(ws, () => calls++);
    expect(calls).toBe(i);
    socket.emit(i % 2 === 0 ? 'drain' : 'close');
    expect(calls).toBe(i + 1);
    socket.emit('drain');
    expect([calls, socket.listenerCount('drain'), socket.listenerCount('close')]).toEqual([i + 1, 0, 0]);
  }
});
