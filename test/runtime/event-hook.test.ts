/**
 * A consumer's synchronous onEvent (DESIGN §9): what it returns is what the client gets, nothing
 * drops the event, a throw or an answer that cannot be sent is logged and dropped (the connection
 * keeps working), and events that find the connection's queue full are dropped with one log line.
 */
import { afterEach, expect, it } from 'vitest';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import { systemChannel } from '../../generated/system/router.js';
import { connect, quietFor, type Recorder } from '../helpers/ws-client.js';
import { gate, serve, until, WELCOME, type Served } from './serve.js';

const running: Served[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

const notice = (message: string): M.SystemEchoMessage => ({ action: 'system_echo', payload: { message } });

class Listening extends SystemConsumer {
  override onConnect(ctx: SystemContext): void {
    super.onConnect(ctx);
    ctx.join('news');
  }
}

async function listener(Consumer: typeof SystemConsumer, options = {}): Promise<{ served: Served; client: Recorder }> {
  const served = await serve(Consumer, options);
  running.push(served);
  const client = await connect(served.url);
  expect(await client.next()).toBe(WELCOME);
  return { served, client };
}

it('sends what a synchronous onEvent returns, drops what it declines, logs and drops what fails', async () => {
  class Editing extends Listening {
    onEvent(event: M.SystemEchoMessage): unknown {
      const text = event.payload.message;
      if (text === 'drop') return undefined;
      if (text === 'null') return null;
      if (text === 'throw') throw new Error('hook threw');
      if (text === 'unsendable') return { action: 'system_echo', payload: { message: 10n } };
      return notice(text.toUpperCase());
    }
  }
  const { served, client } = await listener(Editing as typeof SystemConsumer);
  const events = served.server.events(systemChannel);
  for (const text of ['first', 'drop', 'null', 'throw', 'unsendable', 'last']) events.broadcastEvent(notice(text), 'news');
  expect(await client.nextJson()).toEqual(notice('FIRST'));
  expect(await client.nextJson()).toEqual(notice('LAST'));
  expect(await quietFor(client, 50)).toEqual([]);
  const failures = served.logged.map((l) => l.split('\n')[0]);
  expect(failures).toHaveLength(2);
  expect(failures[0]).toBe('/ws/system: handler for (event) failed: Error: hook threw');
  expect(failures[1]).toMatch(/^\/ws\/system: handler for \(event\) failed: TypeError: .*BigInt/);
  // The connection still answers.
  client.ws.send('{"action":"ping"}');
  expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
});

it("drops events that find the connection's queue full, and says so", async () => {
  const held = gate();
  const seen: string[] = [];
  class Busy extends Listening {
    async onEvent(event: M.SystemEchoMessage): Promise<M.SystemEchoMessage> {
      seen.push(event.payload.message);
      await held.promise;
      return event;
    }
  }
  const { served, client } = await listener(Busy as typeof SystemConsumer, { maxQueuedFrames: 2 });
  const events = served.server.events(systemChannel);
  for (const text of ['a', 'b', 'c', 'd', 'e']) events.broadcastEvent(notice(text), 'news');
  await until(() => seen.length === 1);
  held.open();
  const got: unknown[] = [];
  for (let i = 0; i < 3; i++) got.push(await client.nextJson());
  expect(got).toEqual([notice('a'), notice('b'), notice('c')]);
  expect(await quietFor(client, 50)).toEqual([]);
  expect(served.logged.filter((l) => l.endsWith('dropped an event: its queue is full'))).toHaveLength(2);
});

it('sends an event as it is to a consumer without onEvent, to one group or to several', async () => {
  const { served, client } = await listener(Listening as typeof SystemConsumer);
  served.server.events(systemChannel).broadcastEvent(notice('as is'), 'news');
  expect(await client.nextJson()).toEqual(notice('as is'));
  served.server.events(systemChannel).broadcastEvent(notice('listed'), ['elsewhere', 'news']);
  expect(await client.nextJson()).toEqual(notice('listed'));
});
