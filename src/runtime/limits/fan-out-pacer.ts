/**
 * Fan-out pacing: a broadcast to a thousand members is a thousand socket writes (one syscall each),
 * tens of milliseconds of one synchronous stretch on a loaded machine, during which no other
 * connection is read or answered. The pacer lets at most `SLICE` connections be written group
 * copies per event-loop turn; the copies beyond it wait in their connection's outbox, and in the
 * next turns `SLICE` outboxes are written at a time, with I/O (other connections' frames, pings)
 * served in between. An outbox is written whole, in one corked write: when broadcasts come faster
 * than they can be written, each connection's copies pile up and go out in fewer syscalls.
 *
 * Order is kept per connection: once a connection has an outbox, everything sent to it (replies
 * too) goes behind what waits there. What waits counts against the connection's outbound limit as
 * if it were written, and is written at once before the server closes the connection.
 */

/** A connection as the pacer sees it. */
export interface PacedWriter {
  /** Writes its whole outbox (nothing when it has none any more). */
  writeOutbox(): void;
}

/** Connections written fan-out frames (group copies, onEvent answers) per event-loop turn at most (about a millisecond of writes on a quiet core). */
export const SLICE = 64;
/**
 * And for at most this long (ms): a socket write costs far more when the peers' processes compete for
 * the CPU (a loopback write wakes its reader), so a count alone let one turn write for 30 ms.
 */
export const TURN_MS = 1;

export class FanOutPacer {
  private budget = SLICE;
  /** When the budget began to be spent (performance.now()). */
  private since = 0;
  private scheduled = false;
  /** Connections whose outbox waits, in the order they began to wait, from `head` on. */
  private waiting: PacedWriter[] = [];
  private head = 0;

  /** `now`: the clock (ms), for tests. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one write of the turn's budget; false: the copy should wait (`wait` its connection). */
  take(): boolean {
    if (this.budget === 0) return false;
    const now = this.now();
    if (this.budget === SLICE) this.since = now;
    else if (now - this.since >= TURN_MS) {
      this.budget = 0;
      return false;
    }
    this.budget--;
    this.schedule();
    return true;
  }

  /** `writer` has just started an outbox: it is written in a later turn. */
  wait(writer: PacedWriter): void {
    this.waiting.push(writer);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  /** A new turn: a fresh budget, spent on the outboxes in the order they began to wait. */
  private readonly turn = (): void => {
    this.scheduled = false;
    let i = this.head;
    const waiting = this.waiting;
    const end = Math.min(waiting.length, i + SLICE);
    const since = this.now();
    // At least one outbox a turn, so that the turns always get through them.
    while (i < end) {
      waiting[i++]!.writeOutbox();
      if (this.now() - since >= TURN_MS) break;
    }
    if (i === waiting.length) {
      // Nothing waits: the next copy sent opens a fresh budget.
      this.budget = SLICE;
      this.waiting = [];
      this.head = 0;
      return;
    }
    // Copies sent before the next turn wait behind these.
    this.budget = 0;
    // Writers done with are dropped from the front now and then, not on every turn.
    if (i > 1024 && i * 2 > waiting.length) {
      this.waiting = waiting.slice(i);
      i = 0;
    }
    this.head = i;
    this.schedule();
  };
}

/** One pacer per process: the event loop it shares out is the process's. */
export const fanOutPacer = new FanOutPacer();
