/**
 * A group's copies as bytes made once: a broadcast to a thousand members sends the same text a
 * thousand times, and `ws.send` would encode it to UTF-8 and build its frame header each time. Here
 * the whole WebSocket frame (ws's own `Sender.frame`: a final, unmasked text frame, as a server
 * sends) is built on the first copy and the same Buffer is written to every member's socket
 * (gorilla/websocket's PreparedMessage does the same for Centrifugo).
 *
 * Writing a frame to the socket directly is what ws.send does when nothing is queued in its
 * sender, which is always the case here: the server negotiates no permessage-deflate (whose
 * compression makes ws queue) and sends no Blobs.
 */
import * as ws from 'ws';

/** ws's Sender.frame (ws exports Sender; @types/ws does not declare it). */
type FrameFn = (data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }) => Buffer[];
const frame = (ws as unknown as { Sender: { frame: FrameFn } }).Sender.frame;
const TEXT = { fin: true, rsv1: false, opcode: 0x1, mask: false, readOnly: false };

/** The frame bytes of `text`. */
export function frameBytes(text: string): Buffer {
  const parts = frame(Buffer.from(text), TEXT);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * The frames of the last two texts asked for (a broadcast's copy and its completion frame come in
 * turns): the members of one broadcast all get the bytes made for the first of them.
 */
export class PreparedFrames {
  private readonly texts: (string | undefined)[] = [undefined, undefined];
  private readonly frames: Buffer[] = [Buffer.alloc(0), Buffer.alloc(0)];
  private next = 0;

  bytes(text: string): Buffer {
    if (text === this.texts[0]) return this.frames[0]!;
    if (text === this.texts[1]) return this.frames[1]!;
    const slot = this.next;
    this.next = 1 - slot;
    this.texts[slot] = text;
    return (this.frames[slot] = frameBytes(text));
  }
}

/** One per process: copies are made in one thread, a broadcast at a time. */
export const preparedFrames = new PreparedFrames();
