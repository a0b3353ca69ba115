/**
 * Fan-out pacing (issue 24, the flood's ping p99): a broadcast writes at most SLICE connections, and
 * for at most TURN_MS, in its own turn; the rest wait in their outboxes and go out in later turns
 * under the same budget, each member's frames in order, everything written before the server closes.
 */
import { describe, expect, it } from 'vitest';
import { FanOutPacer, SLICE, TURN_MS, type PacedWriter } from '../../src/runtime/limits/fan-out-pacer.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type { Socket } from 'node:net';
import { systemChannel } from '../../generated/system/router.js';
import type * as M from '../../generated/system/messages.js';
import { connect, type Recorder } from '../helpers/ws-client.js';
import type { ServerOptions } from 'chanx-gen/runtime';
import { onSocketWrite, serve, until, type Served } from './serve.js';

const nextTurn = () => new Promise<void>((r) => setImmediate(r));
/**
 * A clock that does not move: the counting tests below hold the pacer to SLICE a turn alone. With the
 * real clock, a pause of TURN_MS in a loaded run (a collection, another process) ends a turn's
 * budget early, as it should, and such a test failed once in a full suite; the time budget has its
 * own test, on a clock it moves itself.
 */
const stopped = () => 0;

describe('FanOutPacer', () => {
  it('grants SLICE writes in a turn, then none until the next turn', async () => {
    const pacer = new FanOutPacer(stopped);
    const granted = Array.from({ length: SLICE + 5 }, () => pacer.take());
    expect(granted.filter(Boolean)).toHaveLength(SLICE);
    expect(granted.slice(SLICE)).toEqual([false, false, false, false, false]);
    await nextTurn();
    expect(pacer.take()).toBe(true);
  });

  it('writes the waiting connections in the order they began to wait, SLICE of them per turn', async () => {
    const pacer = new FanOutPacer(stopped);
    let turn = 0;
    const writtenIn: number[] = [];
    const writers: PacedWriter[] = Array.from({ length: 2 * SLICE + 10 }, (_, i) => ({ writeOutbox: () => void (writtenIn[i] = turn) }));
    while (pacer.take());
    for (const w of writers) pacer.wait(w);
    expect(writtenIn).toEqual([]);
    // The pacer's turn runs in the check phase; ours is queued after it each time.
    for (turn = 1; turn <= 4; turn++) await nextTurn();
    expect(writtenIn).toEqual(writers.map((_, i) => 1 + Math.floor(i / SLICE)));
  });

  it('opens a fresh budget once nothing waits any more, and none while outboxes still wait', async () => {
    const pacer = new FanOutPacer(stopped);
    while (pacer.take());
    const written: number[] = [];
    for (let i = 0; i < SLICE + 10; i++) pacer.wait({ writeOutbox: () => void written.push(i) });
    await nextTurn();
    expect(written).toHaveLength(SLICE);
    expect(pacer.take()).toBe(false); // a copy sent now goes behind the ten still waiting
    await nextTurn();
    expect(written).toHaveLength(SLICE + 10);
    let granted = 0;
    while (pacer.take()) granted++;
    expect(granted).toBe(SLICE);
  });

  it('spends at most TURN_MS of a turn on writes, and writes at least one outbox a turn', async () => {
    let clock = 0;
    const pacer = new FanOutPacer(() => clock);
    // Granting: writes that take their time use up the turn before its count.
    let granted = 0;
    while (pacer.take()) {
      granted++;
      clock += TURN_MS / 4;
    }
    expect(granted).toBe(4);
    // Waiting outboxes that each take longer than a turn: one a turn.
    let turn = 0;
    const writtenIn: number[] = [];
    const slow = (i: number): PacedWriter => ({ writeOutbox: () => void ((clock += TURN_MS * 1.5), (writtenIn[i] = turn)) });
    const quick = (i: number): PacedWriter => ({ writeOutbox: () => void ((clock += TURN_MS / 10), (writtenIn[i] = turn)) });
    for (const w of [slow(0), slow(1), quick(2), quick(3), slow(4), quick(5)]) pacer.wait(w);
    for (turn = 1; turn <= 4; turn++) await nextTurn();
    expect(writtenIn).toEqual([1, 2, 3, 3, 3, 4]);
  });
});

/** The context of the last connection opened with ?last=1. */
let lastContext: SystemContext | undefined;
/** The server's socket of the `last=1` member. */
let lastSocket: Socket | undefined;

/** Joins 'room'; the connection opened with ?last=1 joins 'last' too. */
class Room extends SystemConsumer {
  override onConnect(ctx: SystemContext): void {
    ctx.join('room');
    if (ctx.request.url?.includes('last=1') === true) {
      ctx.join('last');
      lastContext = ctx;
      lastSocket = ctx.request.socket as Socket;
    }
  }
}

const frame = (message: string) => JSON.stringify({ action: 'system_echo', payload: { message } });

async function members(url: string, n: number): Promise<Recorder[]> {
  const all: Recorder[] = [];
  for (let i = 0; i < n; i++) all.push(await connect(i === n - 1 ? `${url}?last=1` : url));
  return all;
}

describe('a broadcast to more members than one turn writes', () => {
  const N = 3 * SLICE;
  /** A server of the Room consumer with N members joined, the last of them also in 'last'. */
  async function room(options?: ServerOptions): Promise<{ s: Served; all: Recorder[] }> {
    const s = await serve(Room, options);
    const all = await members(s.url, N);
    await until(() => s.server.groups.size('room') === N && s.server.groups.size('last') === 1);
    return { s, all };
  }

  it('reaches every member, each member with its frames in the order they were sent', async () => {
    const { s, all } = await room();
    // In one synchronous stretch: the first broadcast spends the turn's budget, so the tail's
    // copies wait; a send to the last member alone and a second broadcast must go behind them.
    s.server.layer.sendToGroups(['room'], frame('one'));
    s.server.layer.sendToGroups(['last'], frame('only the last'));
    s.server.layer.sendToGroups(['room'], frame('two'));
    for (const [i, m] of all.entries()) {
      const want = i === N - 1 ? ['one', 'only the last', 'two'] : ['one', 'two'];
      for (const w of want) expect(await m.next()).toBe(frame(w));
    }
    for (const m of all) m.ws.close();
    await s.close();
  });

  it('is written whole before the server closes its members', async () => {
    const { s, all } = await room();
    s.server.layer.sendToGroups(['room'], frame('before the close'));
    // close() ends every connection as soon as nothing runs: before the pacer's next turn.
    const closing = s.close();
    for (const m of all) {
      expect(await m.next()).toBe(frame('before the close'));
      expect(await m.closed).toEqual([1001, 'Server shutting down']);
    }
    await closing;
  });

  it('counts what waits against maxBufferedBytes: a member whose copies pile up past it is closed with 1008', async () => {
    const { s, all } = await room({ maxBufferedBytes: 256 * 1024 });
    const big = frame('z'.repeat(64 * 1024));
    // Eight 64 KiB broadcasts in one turn: 512 KiB for each member whose copies wait.
    for (let i = 0; i < 8; i++) s.server.layer.sendToGroups(['room'], big);
    const last = all.at(-1)!;
    expect(await last.closed).toEqual([1008, 'Outbound buffer limit exceeded']);
    // Closed as its copies were counted, before any of them was written.
    expect(last.pending()).toEqual([]);
    expect(s.logged.some((l) => /closed \(1008\): \d+ bytes wait to be sent, over maxBufferedBytes \(262144\)/.test(l))).toBe(true);
    for (const m of all) m.ws.terminate();
    await s.close();
  });

  it('counts a reply that waits behind copies in the bytes it is sent as, not in string length', async () => {
    const { s, all } = await room({ maxBufferedBytes: 256 * 1024 });
    // The broadcast spends the turn's budget: the last member's copy waits in its outbox, and so
    // does the reply sent to it next, 100,000 characters of three UTF-8 bytes each (300 kB, over
    // the limit, though its string length is 100,000).
    s.server.layer.sendToGroups(['room'], frame('first'));
    lastContext!.send({ action: 'system_echo', payload: { message: '\u20ac'.repeat(100_000) } });
    const last = all.at(-1)!;
    // (Counted short, the copy and then the reply would arrive instead.)
    const arrived = last.next().then((first) => ['received', first.slice(0, 40)]);
    expect(await Promise.race([last.closed, arrived])).toEqual([1008, 'Outbound buffer limit exceeded']);
    expect(s.logged.some((l) => /closed \(1008\): 3\d{5} bytes wait to be sent, over maxBufferedBytes \(262144\)/.test(l))).toBe(true);
    for (const m of all) m.ws.terminate();
    await s.close();
  });

  it('asks the socket itself before closing a member whose socket held much at its last write and has drained since', async () => {
    const { s, all } = await room({ maxBufferedBytes: 256 * 1024 });
    const last = all.at(-1)!;
    // A 200 kB reply written while the socket is corked: at that write the socket holds all of it.
    lastSocket!.cork();
    lastContext!.send({ action: 'system_echo', payload: { message: 'r'.repeat(200_000) } });
    lastSocket!.uncork();
    expect((await last.next()).length).toBeGreaterThan(200_000); // drained: the member has it all
    // Its copy of a 100 kB broadcast waits in its outbox: 200 kB (as of the last write) + 100 kB is
    // over the limit, the socket now holds nothing, and the member is not closed.
    const copy = frame('c'.repeat(100_000));
    s.server.layer.sendToGroups(['room'], copy);
    expect(await last.next()).toBe(copy);
    expect(s.logged.filter((l) => l.includes('closed (1008)'))).toEqual([]);
    for (const m of all) m.ws.terminate();
    await s.close();
  });

  it("paces an onEvent hook's answers as it paces copies: at most SLICE connections written in the event's turn", async () => {
    const sockets: Socket[] = [];
    class Hooked extends Room {
      override onConnect(ctx: SystemContext): void {
        super.onConnect(ctx);
        sockets.push(ctx.request.socket as Socket);
      }
      onEvent(event: { n: number }): M.SystemEchoMessage {
        return { action: 'system_echo', payload: { message: `event ${event.n}` } };
      }
    }
    const s = await serve(Hooked);
    const all = await members(s.url, N);
    await until(() => s.server.groups.size('room') === N);
    const written = new Set<Socket>();
    for (const socket of sockets) onSocketWrite(socket, () => written.add(socket));
    s.server.layer.sendToGroups(['room'], JSON.stringify({ n: 1 }), undefined, systemChannel.key);
    // Every hook has run and answered by now; only the turn's budget of sockets is written yet.
    expect(written.size).toBeGreaterThan(0);
    expect(written.size).toBeLessThanOrEqual(SLICE);
    for (const m of all) expect(await m.nextJson()).toEqual({ action: 'system_echo', payload: { message: 'event 1' } });
    expect(written.size).toBe(N);
    for (const m of all) m.ws.close();
    await s.close();
  });
});
