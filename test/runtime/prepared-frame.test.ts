/**
 * Group copies are written as frame bytes made once per broadcast (server/outbound.ts): the bytes
 * are the very frame ws.send makes for the text (every length form of the header, multibyte
 * text), a broadcast's members share one Buffer, and real clients read every copy as the text sent,
 * in order with the replies around it.
 */
import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { frameBytes, PreparedFrames } from '../../src/runtime/server/outbound.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { connect } from '../helpers/ws-client.js';
import { serve, WELCOME, type Served } from './serve.js';

/** Texts whose UTF-8 length takes each form of the header: 7 bits, 16 bits (126..65535), 64 bits. */
const TEXTS = ['', 'a', 'é'.repeat(62), 'x'.repeat(125), 'x'.repeat(126), `${'🔧'.repeat(16383)}xyz`, 'x'.repeat(65535), 'ü'.repeat(40000)];

/** What a ws server connection writes to its socket for ws.send(text). */
function wsSendBytes(text: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
    writev(list, done) {
      for (const { chunk } of list) chunks.push(Buffer.from(chunk as Buffer));
      done();
    },
  });
  // A server-side WebSocket over that stream, as WebSocketServer makes them (no extensions).
  const ws = new WebSocket(null as unknown as string, undefined, {} as WebSocket.ClientOptions);
  (ws as unknown as { setSocket(s: Duplex, head: Buffer, o: object): void }).setSocket(socket, Buffer.alloc(0), { maxPayload: 0, skipUTF8Validation: false });
  return new Promise((resolve) => ws.send(text, () => resolve(Buffer.concat(chunks))));
}

describe('frameBytes', () => {
  it('is the frame ws.send writes for the same text, at every header length', async () => {
    for (const text of TEXTS) expect(frameBytes(text).equals(await wsSendBytes(text)), `${Buffer.byteLength(text)} bytes`).toBe(true);
  });

  it('gives the members of one broadcast the same Buffer, and its completion frame in turns with it', () => {
    const frames = new PreparedFrames();
    const copy = frames.bytes('{"action":"x"}');
    const done = frames.bytes('{"action":"complete"}');
    expect(frames.bytes('{"action":"x"}')).toBe(copy);
    expect(frames.bytes('{"action":"complete"}')).toBe(done);
    // A new text takes the older slot; an equal text made elsewhere is the same frame.
    const next = frames.bytes('{"action":"y"}');
    expect(frames.bytes(['{"action":', '"y"}'].join(''))).toBe(next);
    expect(frames.bytes('{"action":"complete"}')).toBe(done);
  });

  it('keeps a large frame only for the turn it was made in', async () => {
    const frames = new PreparedFrames();
    const large = `{"text":"${'x'.repeat(70 * 1024)}"}`;
    const first = frames.bytes(large);
    expect(frames.bytes(large)).toBe(first);
    await new Promise<void>((r) => setImmediate(r));
    const again = frames.bytes(large);
    expect(again).not.toBe(first);
    expect(again.equals(first)).toBe(true);
  });

  it("is left as it was when a frame cannot be made (no text is ever paired with another text's frame)", () => {
    const frames = new PreparedFrames();
    frames.bytes('{"a":"x"}');
    const y = frames.bytes('{"a":"y"}');
    const failing = vi.spyOn(Buffer, 'from').mockImplementationOnce(() => {
      throw new RangeError('Array buffer allocation failed');
    });
    expect(() => frames.bytes('{"a":"z"}')).toThrow(RangeError);
    failing.mockRestore();
    expect(frames.bytes('{"a":"z"}').equals(frameBytes('{"a":"z"}'))).toBe(true);
    expect(frames.bytes('{"a":"y"}')).toBe(y);
  });
});

describe('group copies on the wire', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  it('reach every member as the text broadcast, in order with the replies', async () => {
    class Room extends SystemConsumer {
      override onConnect(ctx: SystemContext): void {
        ctx.join('room');
        super.onConnect(ctx);
      }
      override onUserMessage(message: M.UserMessage, ctx: SystemContext): M.SystemEchoMessage {
        for (const text of TEXTS) ctx.broadcast({ action: 'system_echo', payload: { message: `${message.payload.message}:${text}` } });
        return { action: 'system_echo', payload: { message: 'sent' } };
      }
    }
    served = await serve(Room);
    const members = await Promise.all([connect(served.url), connect(served.url), connect(served.url)]);
    for (const m of members) expect(await m.next()).toBe(WELCOME);
    members[0]!.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'go' } }));
    const expected = TEXTS.map((text) => ({ action: 'system_echo', payload: { message: `go:${text}` } }));
    // The sender's own copies come after its reply (they wait for the end of its turn); the others get the copies only.
    expect(await members[0]!.nextJson()).toEqual({ action: 'system_echo', payload: { message: 'sent' } });
    for (const m of members) for (const frame of expected) expect(await m.nextJson()).toEqual(frame);
    expect(served.logged).toEqual([]);
  });
});
