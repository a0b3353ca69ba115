/**
 * Authentication (DESIGN §9): `authenticate` runs before onConnect and any handler; a refusal sends
 * Chanx's authentication frame and closes; frames that arrive while it runs are held, then handled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChanxServer, mount, refuse, type AuthRefusal, type ChanxServer, type UpgradeRequest } from 'chanx-gen/runtime';
import { systemChannel } from '../../generated/system/router.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext, SystemHandlers } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { connect, quietFor } from '../helpers/ws-client.js';

interface Member {
  name: string;
}

const ran: string[] = [];
const logged: string[] = [];

/** Admits `?token=<name>` after a delay (a database, say), refuses anyone else with 401; `boom` throws. */
class Guarded extends SystemConsumer implements SystemHandlers<Member> {
  async authenticate(request: UpgradeRequest): Promise<Member | AuthRefusal> {
    const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token');
    await new Promise((r) => setTimeout(r, 60));
    if (token === 'boom') throw new Error('token store down');
    return token === null ? refuse(401) : { name: token };
  }
  override onConnect(ctx: SystemContext<Member>): void {
    ran.push(`connect ${ctx.user.name}`);
    super.onConnect(ctx);
  }
  override onUserMessage(message: M.UserMessage, ctx: SystemContext<Member>): M.SystemEchoMessage {
    // Recorded before anything could throw: a handler that ran for a refused connection must show.
    ran.push(`handler ${ctx.user?.name ?? '(no user)'}`);
    return { action: 'system_echo', payload: { message: `${ctx.user.name}: ${message.payload.message}` } };
  }
}

/** Refuses at once, synchronously, with its own status and data. */
class Closed extends SystemConsumer {
  authenticate(): AuthRefusal {
    return refuse(403, { detail: 'closed for maintenance' }, 'Forbidden');
  }
  override onPing(): M.PongMessage {
    ran.push('closed ping');
    return { action: 'pong', payload: null };
  }
}

/** Synchronous: `?as=null` and `?as=none` admit an anonymous user (null, undefined), `?as=throw` throws. */
class Anonymous extends SystemConsumer {
  authenticate(request: UpgradeRequest): null | undefined {
    const as = new URL(request.url ?? '/', 'http://x').searchParams.get('as');
    if (as === 'throw') throw new Error('sync failure');
    return as === 'null' ? null : undefined;
  }
  override onPing(_message: M.PingMessage, ctx: SystemContext<unknown>): M.PongMessage {
    ran.push(`ping as ${String(ctx.user)}`);
    return { action: 'pong', payload: null };
  }
}

let server: ChanxServer;
let base: string;
beforeAll(async () => {
  server = createChanxServer(
    [mount(systemChannel, Guarded), mount({ ...systemChannel, address: '/ws/closed' }, Closed), mount({ ...systemChannel, address: '/ws/open' }, Anonymous)],
    { logger: { error: (m) => void logged.push(m) } },
  );
  base = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});
afterAll(() => server.close());

describe('authenticate', () => {
  it("refuses with Chanx's authentication frame, closes, and runs no handler even for frames sent at once", async () => {
    ran.length = 0;
    const client = await connect(`${base}/ws/system`);
    client.ws.send('{"action":"user_message","payload":{"message":"sneaky"}}');
    expect(await client.nextJson()).toEqual({
      action: 'authentication',
      payload: { status_code: 401, status_text: 'Unauthorized', data: { detail: 'Authentication credentials were not provided.' } },
    });
    expect((await client.closed)[0]).toBe(1000);
    expect(client.pending()).toEqual([]);
    expect(ran).toEqual([]);
  });

  it('sends the refusal the consumer chose, synchronously', async () => {
    ran.length = 0;
    const client = await connect(`${base}/ws/closed`);
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({
      action: 'authentication',
      payload: { status_code: 403, status_text: 'Forbidden', data: { detail: 'closed for maintenance' } },
    });
    expect((await client.closed)[0]).toBe(1000);
    expect(ran).toEqual([]);
  });

  it('holds frames sent while it runs, then runs onConnect and the handlers in order with ctx.user', async () => {
    ran.length = 0;
    const client = await connect(`${base}/ws/system?token=ada`);
    for (const m of ['one', 'two']) client.ws.send(JSON.stringify({ action: 'user_message', payload: { message: m } }));
    expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System: Connection established!' } });
    expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: 'ada: one' } });
    expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: 'ada: two' } });
    expect(ran).toEqual(['connect ada', 'handler ada', 'handler ada']);
    client.ws.close();
  });

  it('turns a throwing authenticate into a 500 refusal and logs the cause, never sends it', async () => {
    ran.length = 0;
    const client = await connect(`${base}/ws/system?token=boom`);
    const frame = await client.next();
    expect(JSON.parse(frame)).toEqual({
      action: 'authentication',
      payload: { status_code: 500, status_text: 'Internal Server Error', data: { detail: 'Internal server error' } },
    });
    expect(frame).not.toContain('token store down');
    expect((await client.closed)[0]).toBe(1000);
    expect(logged.some((l) => l.includes('authenticate failed') && l.includes('token store down'))).toBe(true);
    expect(await quietFor(client, 0)).toEqual([]);
    expect(ran).toEqual([]);
  });

  it.each([['null'], ['none']])('admits a user that is nothing (?as=%s): the handlers run with it', async (as) => {
    ran.length = 0;
    const client = await connect(`${base}/ws/open?as=${as}`);
    await client.next(); // the welcome
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    expect(ran).toEqual([`ping as ${as === 'null' ? 'null' : 'undefined'}`]);
    client.ws.close();
  });

  it('turns a synchronous throw into the same 500 refusal, logged', async () => {
    logged.length = 0;
    const client = await connect(`${base}/ws/open?as=throw`);
    expect(await client.nextJson()).toEqual({
      action: 'authentication',
      payload: { status_code: 500, status_text: 'Internal Server Error', data: { detail: 'Internal server error' } },
    });
    expect((await client.closed)[0]).toBe(1000);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('authenticate failed: Error: sync failure');
  });
});

describe('refuse', () => {
  it('fills in the reason phrase and detail from the status code, and has a word for codes HTTP does not name', () => {
    expect([refuse().statusCode, refuse().statusText, refuse().data]).toEqual([
      403,
      'Forbidden',
      { detail: 'You do not have permission to perform this action.' },
    ]);
    expect([refuse(401).statusText, refuse(401).data]).toEqual(['Unauthorized', { detail: 'Authentication credentials were not provided.' }]);
    expect([refuse(429).statusText, refuse(429).data]).toEqual(['Too Many Requests', { detail: 'Too Many Requests' }]);
    expect([refuse(599).statusText, refuse(599).data]).toEqual(['Refused', { detail: 'Refused' }]);
    expect(refuse(451, { why: 'law' }, 'Nope').data).toEqual({ why: 'law' });
  });
});
