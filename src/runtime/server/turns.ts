/**
 * A connection's turns: a queued task (a frame, an event, a hook) runs in a turn of its own, and the
 * copies of its own broadcasts that come back to it during the turn are held until the turn's own
 * frames are out. Chanx's sender sees its reply and `complete` before its copy (there the copy
 * comes back through the layer; here it is made so). Under a rate limit, the bucket decides which
 * event-loop turn a frame gets: at once, a turn of its own, or a refusal answered with its run.
 */
import type { GroupLayer } from '../layers/layer.js';
import type { FrameQueue } from '../limits/frame-queue.js';
import { Arrival, type FrameBucket } from '../limits/rate-limit.js';
import { rateLimited, refIn, type Rejection } from '../protocol/rejections.js';
import { nextTurn } from '../support/thenable.js';
import { Outbound } from './outbound.js';

/** Bits of Turns.turn. */
const TURN = 1;
const OWN_COPY = 2;

export abstract class Turns extends Outbound {
  /** TURN while a queued task runs; OWN_COPY while this connection broadcasts. */
  private turn = 0;
  /** This turn's own copies, each with its completion frame (or undefined), sent once the turn ends. */
  private held: (string | undefined)[] | undefined;
  /** Its answer to a frame over the rate limit, made on the first one. */
  private refusal: Rejection | undefined;
  /** The connection's tasks, one at a time (frames, hooks, events). */
  protected abstract readonly queue: FrameQueue;

  /** Handles one frame in the current turn; a promise only when a handler went asynchronous. */
  protected abstract handleFrame(data: Buffer, isBinary: boolean): Promise<void> | undefined;

  /** One frame's task: handled in this connection's turn (a method, so an idle queue runs it with no closure). */
  protected runFrame(data: Buffer, isBinary: boolean): Promise<void> | undefined {
    return this.inTurn(this.handleFrame(data, isBinary));
  }

  /** A queued task begins. */
  protected beginTurn(): void {
    this.turn = TURN;
  }

  /** Sends `frame` to `groups` through `layer`: the copy it makes for this connection is its own. */
  protected broadcastOwn(layer: GroupLayer, groups: Iterable<string>, frame: string, except: string | undefined): void {
    this.turn |= OWN_COPY;
    try {
      layer.sendToGroups(groups, frame, except);
    } finally {
      this.turn &= ~OWN_COPY;
    }
  }

  /**
   * Sends a frame that came through a group, then its completion frame (if any); held while it is
   * this connection's own copy, and paced (fan-out-pacer.ts) when this turn wrote many copies already.
   */
  deliverCopy(frame: string, done: string | undefined): void {
    if (this.turn === (TURN | OWN_COPY)) {
      (this.held ??= []).push(frame, done);
      return;
    }
    this.sendPaced(frame, done);
  }

  /**
   * Ends the turn a task began (now, or when its promise settles), then sends the own copies held
   * meanwhile. Used as `inTurn(this.handleFrame(...))`; a task that throws has its turn ended by the
   * queue's fault report (Connection.fault).
   */
  protected inTurn(done: Promise<void> | undefined): Promise<void> | undefined {
    if (done === undefined) {
      this.endTurn();
      return undefined;
    }
    return done.finally(() => this.endTurn());
  }

  protected endTurn(): void {
    this.turn = 0;
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    for (let i = 0; i < held.length; i += 2) {
      this.sendRaw(held[i]!);
      if (held[i + 1] !== undefined) this.sendRaw(held[i + 1]!);
    }
  }

  /**
   * With a rate limit, a frame is counted against it as it arrives, before anything reads it: the
   * frames of one TCP read are taken or refused at once, whatever the handlers behind them cost (a
   * bucket checked when a frame is handled refills while a slow broadcast runs, and never empties).
   * A frame taken from a full bucket (a connection well under its limit) is handled at once, as
   * without a limit; any other frame taken is handled in an event-loop turn of its own, so that a
   * connection the limit lets through at its full rate leaves room between its frames for every other
   * connection. A frame refused is answered `rate_limited` in its place among the replies, unhandled
   * (a run of refusals together, in one write); one spell over the limit too long closes the
   * connection (1008): the frames it had queued are not handled, the refusals queued are still
   * answered, then the close. False: the frame is the caller's to handle at once (a calm connection).
   */
  protected limited(data: Buffer, isBinary: boolean, bucket: FrameBucket): boolean {
    if (this.cut) return true;
    const arrival = bucket.arrive(performance.now());
    // A connection well under its limit is served at once, as without a rate limit (false: the
    // caller's path): a client that pings now and then does not wait behind the turns of the ones
    // sending all they may.
    if (arrival === Arrival.Calm) return false;
    if (arrival === Arrival.Cut) {
      // Nothing more is taken; the refusals queued so far are answered, then the close (in a turn of its own).
      this.cut = true;
      this.watch?.refused(this.id, 'rate_limited', undefined);
      const why = `over the rate limit (${bucket.describe()}) for too long`;
      this.queue.push(() => nextTurn().then(() => this.endForLimit(why, 'Rate limit exceeded', 'rate_limit')));
      return true;
    }
    let task: () => unknown;
    if (arrival === Arrival.Taken) task = () => (this.cut ? undefined : nextTurn().then(() => (this.cut ? undefined : this.runFrame(data, isBinary))));
    // A run of refusals is answered in a turn of its own, not in the turn of the frame handled before
    // it (a broadcast to thousands, say): its first refusal waits for the next turn.
    else if (arrival === Arrival.Refused) task = () => this.overRate(data, isBinary, bucket);
    else task = () => nextTurn().then(() => this.overRate(data, isBinary, bucket));
    if (!this.queue.push(task, this.limits.maxQueuedFrames)) this.tooManyQueued();
    return true;
  }

  protected tooManyQueued(): void {
    this.endForLimit(`more than maxQueuedFrames (${this.limits.maxQueuedFrames}) frames wait behind its handlers`, 'Too many queued frames', 'queued_frames');
  }

  /** A frame over the rate limit: answered `rate_limited` (with its ref), not handled. */
  private overRate(data: Buffer, isBinary: boolean, bucket: FrameBucket): void {
    if (this.ending) return;
    const text = isBinary ? undefined : data.toString();
    this.watch?.refused(this.id, 'rate_limited', text);
    // A flood's refusals run one after another (hundreds of them): each is the same frame but for
    // its ref, sent as prepared bytes, and all of them leave in one write.
    const refusal = (this.refusal ??= rateLimited(bucket.describe())).withRef(refIn(text));
    this.corkStretch();
    this.sendPrepared(refusal.frame);
  }
}
