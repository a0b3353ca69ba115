/**
 * One connection's work, one task at a time, in arrival order: frames and the connect/disconnect
 * hooks. A task that returns a promise holds back the tasks behind it, so replies keep the order of
 * requests (as a Chanx consumer does). Nothing a task does can stop the queue: a throw or a
 * rejection goes to `fault` and the next task runs; no rejected promise is left behind.
 */
import { isThenable } from '../support/thenable.js';

export type Task = () => unknown;

/** What the queue tells its connection. None of these may throw (the queue guards them anyway). */
export interface QueueOwner {
  /** A task failed: it threw or its promise rejected. */
  fault(error: unknown): void;
  /** A task now waits behind an unfinished one (reading should pause). */
  backlogged(): void;
  /** Every waiting task has run (reading may resume). */
  caughtUp(): void;
}

export class FrameQueue {
  private busy = false;
  private hadBacklog = false;
  /** Tasks behind the running one; made on first use (most connections never need it). */
  private waiting: Task[] | undefined;
  private idleWaiters: (() => void)[] | undefined;
  /** Bumped by abandon(): a task of an older generation that finishes later runs nothing after it. */
  private generation = 0;

  constructor(private readonly owner: QueueOwner) {}

  /**
   * Runs `task` now when nothing is pending, else after everything pushed before it.
   * Returns false, and drops the task, when `limit` tasks already wait.
   */
  push(task: Task, limit = Infinity): boolean {
    if (!this.busy) {
      this.runFrom(task);
      return true;
    }
    const waiting = (this.waiting ??= []);
    if (waiting.length >= limit) return false;
    waiting.push(task);
    if (!this.hadBacklog) {
      this.hadBacklog = true;
      this.tell('backlogged');
    }
    return true;
  }

  /**
   * `push(() => run.call(self, a, b), limit)` without the closure when nothing is pending: the
   * frame path of an idle connection (the common case) allocates no task for the frame. A call
   * that has to wait is wrapped then, as `push` would.
   */
  pushCall<S, A, B>(run: (this: S, a: A, b: B) => unknown, self: S, a: A, b: B, limit = Infinity): boolean {
    if (this.busy) return this.push(() => run.call(self, a, b), limit);
    this.busy = true;
    let pending: Promise<unknown> | undefined;
    try {
      const result = run.call(self, a, b);
      if (isThenable(result)) pending = Promise.resolve(result);
    } catch (err) {
      this.tell('fault', err);
    }
    if (pending !== undefined) this.follow(pending);
    else this.runFrom(this.waiting?.shift());
    return true;
  }

  /** Resolves once no task is running or waiting. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => (this.idleWaiters ??= []).push(resolve));
  }

  /**
   * Gives up on what is running and drops what waits (shutdown, once its grace is over): the queue
   * is idle at once, and a task pushed now runs at once. A failure of the abandoned task is still reported.
   */
  abandon(): void {
    if (!this.busy) return;
    this.generation++;
    this.waiting = undefined;
    this.settle();
  }

  /** Runs `first` and what waits behind it until one goes asynchronous; settles when none is left. */
  private runFrom(first: Task | undefined): void {
    this.busy = true;
    let task = first;
    while (task !== undefined) {
      const pending = this.runOne(task);
      if (pending !== undefined) {
        this.follow(pending);
        return;
      }
      task = this.waiting?.shift();
    }
    this.settle();
  }

  /** Goes on with what waits once the running task's promise settles (unless abandoned meanwhile). */
  private follow(pending: Promise<unknown>): void {
    const generation = this.generation;
    pending.then(
      () => {
        if (generation === this.generation) this.next();
      },
      (err: unknown) => {
        this.tell('fault', err);
        if (generation === this.generation) this.next();
      },
    );
  }

  /** Runs one task; returns its promise when it went asynchronous. */
  private runOne(task: Task): Promise<unknown> | undefined {
    try {
      const result = task();
      if (isThenable(result)) {
        return Promise.resolve(result);
      }
    } catch (err) {
      this.tell('fault', err);
    }
    return undefined;
  }

  private next(): void {
    this.runFrom(this.waiting?.shift());
  }

  private settle(): void {
    this.busy = false;
    if (this.hadBacklog) {
      this.hadBacklog = false;
      this.tell('caughtUp');
    }
    const waiters = this.idleWaiters;
    if (waiters !== undefined) {
      this.idleWaiters = undefined;
      for (const resolve of waiters) resolve();
    }
  }

  private tell(what: 'fault', err: unknown): void;
  private tell(what: 'backlogged' | 'caughtUp'): void;
  private tell(what: keyof QueueOwner, err?: unknown): void {
    try {
      this.owner[what](err);
    } catch {
      // The owner's own reporting failed; the queue must still go on.
    }
  }
}
