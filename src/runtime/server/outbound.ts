/**
 * How frames leave one connection: written to its socket now, or, when the turn's fan-out budget
 * is spent (limits/fan-out-pacer.ts), kept in its outbox, in order, until the pacer's next turn.
 * Both count against the outbound limits: replies that are not drained pause reading, and a peer
 * that lets more than maxBufferedBytes wait for it (written or kept) is closed with 1008.
 *
 * A group's copies are bytes made once: a broadcast to a thousand members sends the same text a
 * thousand times, and `ws.send` would encode it to UTF-8 and build its frame header each time. The
 * whole WebSocket frame (ws's own `Sender.frame`: a final, unmasked text frame, as a server sends)
 * is built on the first copy and the same Buffer is written to every member's socket
 * (gorilla/websocket's PreparedMessage does the same for Centrifugo). Writing a frame to the socket
 * directly is what ws.send does when nothing is queued in its sender, which is always the case
 * here: the server negotiates no permessage-deflate (whose compression makes ws queue) and sends
 * no Blobs.
 */
import * as ws from 'ws';
import WebSocket from 'ws';
import { fanOutPacer, type PacedWriter } from '../limits/fan-out-pacer.js';
import type { ConnectionLimits } from '../limits/limits.js';
import { OVERFLOW_CLOSE_GRACE_MS, outboundVerdict, socketOf, whenDrained } from '../limits/outbound-limit.js';
import { holdReading, releaseReading, REPLIES_UNDRAINED, SENT_TOO_MUCH } from '../limits/read-gate.js';
import { nextMemberId } from '../layers/member-id.js';
import { corkForTick, type TickCorked } from '../support/tick-cork.js';
import type { ChannelWatch } from '../ops/channel-watch.js';
import type { LimitClose } from '../ops/metrics.js';
import type { RuntimeLog } from '../support/logger.js';

export abstract class Outbound implements PacedWriter, TickCorked {
  /** Unique across processes; made once, since the layer keys its members by it and broadcasts compare it per member. */
  readonly id = nextMemberId();
  /** What holds reading paused (read-gate.ts bits); 0: reading. */
  protected pausedBy = 0;
  /** Set when the server decided to end this connection (a limit, shutdown): frames are no longer taken. */
  protected ending = false;
  /** Over a limit for good: frames still queued are not handled (those under a rate limit wait a turn). */
  protected cut = false;
  /**
   * Frames waiting for the fan-out pacer: while there are some, every frame goes behind them.
   * Replies and onEvent answers as text, group copies as their prepared frame bytes (PreparedFrames, below).
   */
  private outbox: (string | Buffer)[] | undefined;
  /** What the outbox holds, in bytes (text as the UTF-8 it is sent as): counted with the socket's buffer against maxBufferedBytes. */
  private outboxSize = 0;
  /** What the socket held unsent right after the last write (ws's bufferedAmount then). */
  private bufferedAtWrite = 0;
  /** @internal writes are corked until the end of this synchronous stretch (corkStretch) */
  corked = false;
  /**
   * Whether prepared frame bytes may be written to the socket: not with an extension negotiated
   * (permessage-deflate, which this server never offers, makes ws compress and queue; then ws.send).
   */
  private readonly rawFrames: boolean;

  constructor(
    protected readonly ws: WebSocket,
    protected readonly watch: ChannelWatch | undefined,
    /** The channel's address, for logs. */
    protected readonly address: string,
    protected readonly limits: ConnectionLimits,
    protected readonly logger: RuntimeLog,
  ) {
    this.rawFrames = ws.extensions === '';
  }

  sendRaw(frame: string | Buffer): void {
    if (this.outbox !== undefined) return this.postpone(frame);
    this.write(frame);
  }

  /**
   * Sends a group's copy: now while the turn's fan-out budget lasts, else from the outbox in a later
   * turn; as the frame bytes made once for all the members (PreparedFrames, below).
   */
  protected sendPaced(frame: string, done: string | undefined): void {
    if (!this.pace()) return;
    this.sendPrepared(frame);
    if (done !== undefined) this.sendPrepared(done);
  }

  /** Sends a frame that is sent over and over (a group's copy, a refusal) as bytes made once for all (PreparedFrames, below). */
  protected sendPrepared(frame: string): void {
    this.sendRaw(this.rawFrames ? preparedFrames.bytes(frame) : frame);
  }

  /**
   * What is sent next is one member's part of a fan-out (a group's copy, an event's answer): it is
   * written now while the turn's budget lasts, else it waits in the outbox for the pacer. False: the
   * connection is on its way out, and takes nothing of the turn's budget from the live ones.
   */
  protected pace(): boolean {
    // (A socket closing without the server's say, which ending does not know yet, is caught by write().)
    if (this.ending) return false;
    if (this.outbox === undefined && !fanOutPacer.take()) {
      this.outbox = [];
      fanOutPacer.wait(this);
    }
    return true;
  }

  /** PacedWriter: writes every frame that waits, in one corked write (also before the server closes the connection). */
  writeOutbox(): void {
    const outbox = this.outbox;
    if (outbox === undefined) return;
    this.dropOutbox();
    // Copies only (the common case in a fan-out): their bytes in one buffer, one write. A socket
    // that cannot take them at once keeps one chunk, not one object per frame for the collector to copy.
    if (outbox.length > 1 && outbox.every(isBytes)) return this.write(Buffer.concat(outbox as Buffer[]), outbox.length);
    const socket = socketOf(this.ws);
    socket?.cork();
    for (const frame of outbox) this.write(frame);
    socket?.uncork();
  }

  /**
   * Holds this connection's writes until the current synchronous stretch ends, then writes them
   * in one go (support/tick-cork.ts): the replies to all the frames of one read leave in one
   * syscall instead of one each. A stretch that has corked `pauseReadingAtBytes` is written out at
   * once (write()), so what waits here stays small and the outbound limits still judge what the
   * peer has not taken. (What is corked is lost only if the socket is destroyed within the stretch:
   * ws does that itself to a peer with 60 automatic pongs unsent, a peer that is misbehaving anyway.)
   */
  protected corkStretch(): void {
    if (this.corked) return; // (every frame of a read asks; only the first corks)
    const socket = socketOf(this.ws);
    if (socket !== undefined) corkForTick(this, socket);
  }

  protected dropOutbox(): void {
    this.outbox = undefined;
    this.outboxSize = 0;
  }

  /** A limit was exceeded: log once, take nothing more, close with 1008, and cut it if the close cannot be flushed. */
  protected endForLimit(why: string, reason: string, limit: LimitClose): void {
    if (this.ending) return;
    // What waits is still sent before the close (refusals, replies), but not to a peer that does not read.
    if (limit === 'outbound_buffer') this.dropOutbox();
    else this.writeOutbox();
    // Writing the outbox can itself go over maxBufferedBytes (the socket may take less than it did
    // before): that close has been made; this one is not made again.
    if (this.ending) return;
    this.ending = true;
    this.cut = true;
    this.watch?.limitClosed(limit);
    this.logger.warn({ conn: this.id, limit }, `${this.address}: connection ${this.id} closed (1008): ${why}`);
    if (limit === 'outbound_buffer') {
      this.ws.resume(); // to read the peer's close frame; data frames are ignored from now on
      this.ws.close(1008, reason);
    } else {
      // A peer that sends too much is not read again: what it sent meanwhile (up to megabytes of a
      // flood, which ws would parse in one turn of the event loop only to drop it) stays unread, and
      // the connection is ended once the close frame is out (terminated after the grace at the latest).
      this.pausedBy = holdReading(this.ws, this.pausedBy, SENT_TOO_MUCH);
      this.ws.close(1008, reason);
      socketOf(this.ws)?.end();
    }
    setTimeout(() => this.ws.terminate(), OVERFLOW_CLOSE_GRACE_MS).unref();
  }

  /** Writes one frame (text, or a prepared frame's bytes) to the socket now, then applies the outbound limits. */
  private write(frame: string | Buffer, frames = 1): void {
    if (this.ending || this.ws.readyState !== WebSocket.OPEN) return;
    if (typeof frame === 'string') this.ws.send(frame);
    else socketOf(this.ws)!.write(frame);
    if (this.corked) {
      const socket = socketOf(this.ws)!;
      if (socket.writableLength >= this.limits.pauseReadingAtBytes) {
        socket.uncork(); // writes what the stretch holds; the stretch goes on corked
        socket.cork();
      }
    }
    const tally = this.watch?.tally;
    if (tally !== undefined) tally.sent += frames;
    const buffered = (this.bufferedAtWrite = this.ws.bufferedAmount);
    const verdict = outboundVerdict(buffered, this.limits);
    if (verdict === 'ok') return;
    if (verdict === 'over') this.overLimit(buffered);
    else if ((this.pausedBy & REPLIES_UNDRAINED) === 0) {
      this.pausedBy = holdReading(this.ws, this.pausedBy, REPLIES_UNDRAINED);
      this.watch?.paused('replies_undrained');
      whenDrained(this.ws, () => (this.pausedBy = releaseReading(this.ws, this.pausedBy, REPLIES_UNDRAINED)));
    }
  }

  /** A frame behind the outbox. What waits counts against maxBufferedBytes as if it were written. */
  private postpone(frame: string | Buffer): void {
    if (this.ending) return;
    this.outbox!.push(frame);
    // Text as the UTF-8 it goes out as (Chinese text is three bytes a character, not one unit).
    this.outboxSize += typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    // The socket's share as of the last write: a broadcast to thousands postpones a copy for each,
    // and reading each one's socket state costs more than the copy. What the socket holds only
    // shrinks between our writes, so this overstates it (ws's own pings and pongs aside, a few
    // bytes); past the limit, the socket itself is asked.
    if (this.bufferedAtWrite + this.outboxSize <= this.limits.maxBufferedBytes) return;
    const waiting = this.ws.bufferedAmount + this.outboxSize;
    if (waiting > this.limits.maxBufferedBytes) this.overLimit(waiting);
  }

  private overLimit(waiting: number): void {
    this.endForLimit(
      `${waiting} bytes wait to be sent, over maxBufferedBytes (${this.limits.maxBufferedBytes}): the peer does not read`,
      'Outbound buffer limit exceeded',
      'outbound_buffer',
    );
  }
}

const isBytes = (frame: string | Buffer): frame is Buffer => typeof frame !== 'string';

/** ws's Sender.frame (ws exports Sender; @types/ws does not declare it). */
type FrameFn = (data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }) => Buffer[];
const frame = (ws as unknown as { Sender: { frame: FrameFn } }).Sender.frame;
const TEXT = { fin: true, rsv1: false, opcode: 0x1, mask: false, readOnly: false };

/** The frame bytes of `text`. */
export function frameBytes(text: string): Buffer {
  const parts = frame(Buffer.from(text), TEXT);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

const EMPTY = Buffer.alloc(0);
/** Frames larger than this (bytes) leave the cache at the next turn. */
const KEEP_AT_MOST = 64 * 1024;

/**
 * The frames of the last two texts asked for (a broadcast's copy and its completion frame come in
 * turns): the members of one broadcast all get the bytes made for the first of them.
 */
export class PreparedFrames {
  private readonly texts: (string | undefined)[] = [undefined, undefined];
  private readonly frames: Buffer[] = [EMPTY, EMPTY];
  private next = 0;
  private clearing = false;

  bytes(text: string): Buffer {
    if (text === this.texts[0]) return this.frames[0]!;
    if (text === this.texts[1]) return this.frames[1]!;
    const bytes = frameBytes(text); // (made before a slot changes: should it throw, the cache stays true)
    const slot = this.next;
    this.next = 1 - slot;
    this.texts[slot] = text;
    this.frames[slot] = bytes;
    // A large frame is not kept past this turn (its broadcast is made by then; outboxes hold their own reference).
    if (bytes.length > KEEP_AT_MOST && !this.clearing) {
      this.clearing = true;
      setImmediate(() => this.clear());
    }
    return bytes;
  }

  private clear(): void {
    this.clearing = false;
    this.texts.fill(undefined);
    this.frames.fill(EMPTY);
  }
}

/** One per process: copies are made in one thread, a broadcast at a time. */
export const preparedFrames = new PreparedFrames();
