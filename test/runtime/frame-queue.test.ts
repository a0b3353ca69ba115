/** The per-connection queue: order, and nothing a task or its owner does can stop it (issue 14 item 2). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrameQueue, type QueueOwner } from '../../src/runtime/limits/frame-queue.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

let unhandled: unknown[];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => void process.off('unhandledRejection', onUnhandled));

function recordingOwner(): QueueOwner & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    fault: (err) => void events.push(`fault ${(err as Error).message}`),
    backlogged: () => void events.push('backlogged'),
    caughtUp: () => void events.push('caught up'),
  };
}

describe('FrameQueue', () => {
  it('runs synchronous tasks at once and asynchronous ones in order, holding back what follows', async () => {
    const owner = recordingOwner();
    const q = new FrameQueue(owner);
    const ran: string[] = [];
    let release!: () => void;
    q.push(() => void ran.push('a'));
    expect(ran).toEqual(['a']);
    q.push(() => new Promise<void>((r) => (release = () => (ran.push('b'), r()))));
    q.push(() => void ran.push('c'));
    q.push(() => void ran.push('d'));
    expect(ran).toEqual(['a']);
    expect(owner.events).toEqual(['backlogged']);
    release();
    await q.idle();
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    expect(owner.events).toEqual(['backlogged', 'caught up']);
  });

  it('tells its owner of every backlog, not only the first', async () => {
    const owner = recordingOwner();
    const q = new FrameQueue(owner);
    for (let round = 0; round < 2; round++) {
      q.push(() => new Promise((r) => setTimeout(r, 5)));
      q.push(() => undefined);
      await q.idle();
    }
    expect(owner.events).toEqual(['backlogged', 'caught up', 'backlogged', 'caught up']);
  });

  it.each([
    ['resolves', false],
    ['rejects', true],
  ])('after abandon(), runs one task at a time again: an abandoned task that %s later starts nothing', async (_how, rejects) => {
    const owner = recordingOwner();
    const q = new FrameQueue(owner);
    const ran: string[] = [];
    let endAbandoned!: () => void;
    let endB!: () => void;
    q.push(() => new Promise<void>((resolve, reject) => (endAbandoned = () => (rejects ? reject(new Error('late')) : resolve()))));
    q.abandon();
    await q.idle();
    q.push(() => new Promise<void>((r) => (endB = () => (ran.push('b'), r()))));
    q.push(() => void ran.push('c'));
    endAbandoned();
    await tick();
    expect(ran).toEqual([]);
    endB();
    await q.idle();
    expect(ran).toEqual(['b', 'c']);
    // A failure of the abandoned task is still reported.
    expect(owner.events.filter((e) => e.startsWith('fault'))).toEqual(rejects ? ['fault late'] : []);
  });

  it('goes on after a task that throws, rejects, or returns a thenable whose then throws', async () => {
    const owner = recordingOwner();
    const q = new FrameQueue(owner);
    const ran: number[] = [];
    q.push(() => new Promise((r) => setTimeout(r, 5)));
    q.push(() => {
      throw new Error('sync');
    });
    q.push(() => Promise.reject(new Error('async')));
    q.push(() => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable that throws is the case under test.
      then: () => {
        throw new Error('bad thenable');
      },
    }));
    q.push(() => void ran.push(1));
    await q.idle();
    await tick();
    expect(ran).toEqual([1]);
    expect(owner.events.filter((e) => e.startsWith('fault'))).toEqual(['fault sync', 'fault async', 'fault bad thenable']);
    expect(unhandled).toEqual([]);
  });

  it('survives an owner whose every callback throws', async () => {
    const boom = () => {
      throw new Error('owner');
    };
    const q = new FrameQueue({ fault: boom, backlogged: boom, caughtUp: boom });
    const ran: number[] = [];
    q.push(() => Promise.reject(new Error('x')));
    q.push(() => {
      throw new Error('y');
    });
    q.push(() => void ran.push(1));
    await q.idle();
    q.push(() => void ran.push(2));
    await tick();
    expect(ran).toEqual([1, 2]);
    expect(unhandled).toEqual([]);
  });

  it('refuses a task when `limit` already wait, and takes it again once they ran', async () => {
    const q = new FrameQueue(recordingOwner());
    let release!: () => void;
    q.push(() => new Promise<void>((r) => (release = r)));
    expect(q.push(() => undefined, 2)).toBe(true);
    expect(q.push(() => undefined, 2)).toBe(true);
    expect(q.push(() => undefined, 2)).toBe(false);
    release();
    await q.idle();
    expect(q.push(() => undefined, 2)).toBe(true);
  });

  it('idle() resolves at once when nothing runs, and after the last task otherwise', async () => {
    const q = new FrameQueue(recordingOwner());
    await q.idle();
    let done = false;
    q.push(() => new Promise((r) => setTimeout(r, 10)).then(() => (done = true)));
    await q.idle();
    expect(done).toBe(true);
  });
});

describe('FrameQueue.pushCall (the frame path without a closure)', () => {
  class Runner {
    ran: string[] = [];
    run(this: Runner, a: string, wait: Promise<void> | undefined): unknown {
      this.ran.push(a);
      if (a === 'throws') throw new Error('boom');
      return wait;
    }
  }

  it('runs at once on an idle queue, with its receiver and arguments, and queues behind a pending task in order', async () => {
    const owner = recordingOwner();
    const q = new FrameQueue(owner);
    const r = new Runner();
    expect(q.pushCall(r.run, r, 'a', undefined)).toBe(true);
    expect(r.ran).toEqual(['a']);
    let release!: () => void;
    q.pushCall(r.run, r, 'b', new Promise<void>((done) => (release = done)));
    q.push(() => void r.ran.push('c'));
    q.pushCall(r.run, r, 'd', undefined);
    expect(r.ran).toEqual(['a', 'b']);
    expect(owner.events).toEqual(['backlogged']);
    release();
    await q.idle();
    expect(r.ran).toEqual(['a', 'b', 'c', 'd']);
    expect(owner.events).toEqual(['backlogged', 'caught up']);
  });

  it('reports a throw or a rejection as a fault and goes on; refuses beyond `limit` like push', async () => {
    const owner = recordingOwner();
    const q = new FrameQueue(owner);
    const r = new Runner();
    q.pushCall(r.run, r, 'throws', undefined);
    q.pushCall(r.run, r, 'rejects', Promise.reject(new Error('later')));
    expect(q.pushCall(r.run, r, 'waits', undefined, 1)).toBe(true);
    expect(q.pushCall(r.run, r, 'refused', undefined, 1)).toBe(false);
    await q.idle();
    expect(r.ran).toEqual(['throws', 'rejects', 'waits']);
    expect(owner.events).toEqual(['fault boom', 'backlogged', 'fault later', 'caught up']);
    expect(unhandled).toEqual([]);
  });
});
