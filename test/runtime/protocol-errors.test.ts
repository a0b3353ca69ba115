/**
 * A peer that breaks the WebSocket protocol itself (RFC 6455 §5, §8.1): ws closes that connection
 * with the code the RFC gives (1002, 1007); the server logs which connection and why, runs its
 * onDisconnect, and every other connection goes on. Over raw TCP, since a real client never sends
 * such frames.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import { SystemConsumer } from '../../generated/system/consumer.js';
import { connect } from '../helpers/ws-client.js';
import { serve, until, WELCOME } from './serve.js';

const HANDSHAKE = (port: number): string =>
  `GET /ws/system HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;

/** A client frame with the FIN bit, masked (unless `masked` is false) with a fixed key. */
function frame(opcode: number, payload: Buffer, masked = true): Buffer {
  const key = Buffer.from([1, 2, 3, 4]);
  const body = masked ? Buffer.from(payload.map((b, i) => b ^ key[i % 4]!)) : payload;
  return Buffer.concat([Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | payload.length]), masked ? key : Buffer.alloc(0), body]);
}

/** Upgrades over raw TCP, waits for the greeting, sends `bytes`; resolves with the server's close frame (code, reason). */
function breakProtocol(port: number, bytes: Buffer): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connectTcp(port, '127.0.0.1', () => socket.write(HANDSHAKE(port)));
    let data = Buffer.alloc(0);
    let sent = false;
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const head = data.indexOf('\r\n\r\n');
      if (head === -1) return;
      // Server frames are unmasked with short lengths here: [opcode, length, ...payload].
      let at = head + 4;
      while (at + 2 <= data.length && at + 2 + data[at + 1]! <= data.length) {
        const [first, length] = [data[at]!, data[at + 1]!];
        const payload = data.subarray(at + 2, at + 2 + length);
        if ((first & 0x0f) === 0x1 && !sent) {
          expect(payload.toString()).toBe(WELCOME);
          sent = true;
          socket.write(bytes);
        } else if ((first & 0x0f) === 0x8) {
          resolve([payload.readUInt16BE(0), payload.subarray(2).toString()]);
          socket.destroy();
          return;
        }
        at += 2 + length;
      }
    });
    socket.on('error', reject);
  });
}

it.each([
  ['an unmasked frame', frame(0x1, Buffer.from('{}'), false), 1002, 'Invalid WebSocket frame: MASK must be set'],
  ['text that is not UTF-8', frame(0x1, Buffer.from([0xff, 0xfe])), 1007, 'Invalid WebSocket frame: invalid UTF-8 sequence'],
  ['a reserved opcode', frame(0x3, Buffer.alloc(0)), 1002, 'Invalid WebSocket frame: invalid opcode 3'],
])('closes a peer that sends %s with the RFC code, logs it, runs onDisconnect, and serves the others', async (_name, bytes, code, why) => {
  let disconnected = 0;
  class Counted extends SystemConsumer {
    onDisconnect(): void {
      disconnected++;
    }
  }
  const s = await serve(Counted);
  const port = Number(new URL(s.base).port);
  const bystander = await connect(s.url);
  expect(await bystander.next()).toBe(WELCOME);
  expect(await breakProtocol(port, bytes)).toEqual([code, '']);
  await until(() => disconnected === 1, 2000, 'onDisconnect of the broken connection');
  expect(s.logged).toEqual([expect.stringMatching(new RegExp(`^/ws/system: connection \\S+ closed: ${why}$`))]);
  bystander.ws.send('{"action":"ping"}');
  expect(await bystander.nextJson()).toEqual({ action: 'pong', payload: null });
  bystander.ws.close();
  await s.close();
});
