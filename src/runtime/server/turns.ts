/**
 * A connection's turns: a queued task (a frame, an event, a hook) runs in a turn of its own, and the
 * copies of its own broadcasts that come back to it during the turn are held until the turn's own
 * frames are out. Chanx's sender sees its reply and `complete` before its copy (there the copy
 * comes back through the layer; here it is made so).
 */
import type { GroupLayer } from '../layers/layer.js';
import { Outbound } from './outbound.js';

/** Bits of Turns.turn. */
const TURN = 1;
const OWN_COPY = 2;

export abstract class Turns extends Outbound {
  /** TURN while a queued task runs; OWN_COPY while this connection broadcasts. */
  private turn = 0;
  /** This turn's own copies, each with its completion frame (or undefined), sent once the turn ends. */
  private held: (string | undefined)[] | undefined;

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
}
