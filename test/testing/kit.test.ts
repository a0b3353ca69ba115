/**
 * chanx-gen/testing against the committed system channel and consumers written here: what the
 * reads return, and that every failure says what was awaited and what came.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type AuthRefusal, mount, refuse, type UpgradeRequest } from 'chanx-gen/runtime';
import { ChanxTestError, startTestServer, type TestServer } from 'chanx-gen/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../generated/server.js';
import { connectSystem } from '../../generated/system/client.js';
import type { SystemContext, SystemHandlers } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { systemChannel } from '../../generated/system/router.js';
import { ROOT } from '../helpers/cli.js';

const WELCOME = { action: 'system_echo', payload: { message: '🔧 System: Connection established!' } };

// The README's shortest example, word for word (it names node:test's `it`; vitest's runs it here).
it('echoes what it is sent', async () => {
  await using server = await startTestServer(createServer);
  await using client = await server.connect(connectSystem);
  await client.receiveNext(); // the welcome onConnect sends
  client.send({ action: 'user_message', payload: { message: 'Hi' } });
  assert.deepEqual(await client.receiveAll(), [{ action: 'system_echo', payload: { message: '🔧 System Echo: Hi' } }]);
});

it('the README shows that example as it is here', () => {
  const body = (text: string) => text.slice(text.indexOf("it('echoes what it is sent'"), text.indexOf('\n});\n', text.indexOf("it('echoes what it is sent'")));
  const readme = body(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  expect(readme.length).toBeGreaterThan(100);
  expect(readme).toBe(body(readFileSync(new URL(import.meta.url), 'utf8')));
});

describe('the kit on the project server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(createServer);
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 on a port of its own', () => {
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('reads the greeting with receiveNext, then the answer to each frame with receiveAll', async () => {
    await using client = await server.connect(connectSystem);
    expect(await client.receiveNext()).toEqual(WELCOME);
    client.send({ action: 'user_message', payload: { message: 'Hello' } });
    expect(await client.receiveAll()).toEqual([{ action: 'system_echo', payload: { message: '🔧 System Echo: Hello' } }]);
    client.send({ action: 'ping' });
    client.send({ action: 'user_message', payload: { message: 'two' } });
    expect(await client.receiveAll()).toEqual([
      { action: 'pong', payload: null },
      { action: 'system_echo', payload: { message: '🔧 System Echo: two' } },
    ]);
    await client.expectNothing(50);
    // Everything, completion frames included, the kit's refs taken off.
    expect(client.frames.map((f) => f.action)).toEqual(['system_echo', 'system_echo', 'complete', 'pong', 'complete', 'system_echo', 'complete']);
  });

  it("receiveAll reads everything before the last frame's complete, the greeting too", async () => {
    await using client = await server.connect(connectSystem);
    client.send({ action: 'ping' });
    expect(await client.receiveAll()).toEqual([WELCOME, { action: 'pong', payload: null }]);
  });

  it('request() goes through the kit as well: its reply is read by the request, and its complete ends receiveAll', async () => {
    await using client = await server.connect(connectSystem);
    const pong = await client.request({ action: 'ping' });
    expect(pong).toEqual({ action: 'pong', payload: null, ref: expect.any(String) });
    expect(await client.receiveAll()).toEqual([WELCOME, { action: 'pong', payload: null }]);
  });

  it('gives error frames typed, raw input included', async () => {
    await using client = await server.connect(connectSystem);
    client.sendRaw('{"action":"foo"}');
    const error = await client.receiveNext('error');
    expect(error.payload).toEqual([
      { type: 'union_tag_invalid', loc: [], msg: "Input tag 'foo' found using 'action' does not match any of the expected tags: 'ping', 'user_message'" },
    ]);
    client.send({ action: 'user_message', payload: {} } as never);
    expect(await client.receiveAll()).toEqual([
      { action: 'error', payload: [{ type: 'missing', loc: ['user_message', 'payload', 'message'], msg: 'Field required' }] },
    ]);
  });

  it('receiveNext with a name reads past other frames; a completion frame is read only by name', async () => {
    await using client = await server.connect(connectSystem);
    client.send({ action: 'ping' });
    expect(await client.receiveNext('pong')).toEqual({ action: 'pong', payload: null });
    expect(await client.receiveNext('complete')).toEqual({ action: 'complete', payload: null });
  });

  it('says what it waited for and what came when the answer does not come', async () => {
    await using client = await server.connect(connectSystem, { receiveTimeout: 150 });
    const failure = await client.receiveNext('pong').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ChanxTestError);
    expect((failure as Error).message).toBe(
      `receiveNext(): expected a 'pong' frame, but it did not come within 150 ms; what arrived:\n  ${JSON.stringify(WELCOME)}`,
    );
    const all = await client.receiveAll().catch((err: unknown) => err);
    expect((all as Error).message).toMatch(/^receiveAll\(\): this client has sent nothing/);
  });

  it('expectNothing names what arrived', async () => {
    await using client = await server.connect(connectSystem);
    await expect(client.expectNothing(50)).rejects.toThrow(`expectNothing(50): expected no message, but 1 arrived:\n  ${JSON.stringify(WELCOME)}`);
  });

  it('closes its clients with the server', async () => {
    const other = await startTestServer(createServer);
    const client = await other.connect(connectSystem);
    await other.close();
    expect((await client.closed).code).toBeGreaterThan(0);
    expect(client.state).toBe('closed');
  });
});

describe('the kit on chosen channels with consumers of the test', () => {
  class Slow implements SystemHandlers {
    async onPing(): Promise<M.PongMessage> {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { action: 'pong', payload: null };
    }
    onUserMessage(message: M.UserMessage, ctx: SystemContext): M.SystemEchoMessage {
      // Something the document does not allow.
      ctx.send({ action: 'system_echo', payload: { text: message.payload.message } } as never);
      return { action: 'system_echo', payload: { message: 'ok' } };
    }
  }
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer([mount(systemChannel, Slow)]);
  });
  afterAll(() => server.close());

  it('a receiveAll that times out names the frame whose complete it waited for, and what arrived', async () => {
    await using client = await server.connect(connectSystem);
    client.send({ action: 'ping' });
    await expect(client.receiveAll({ timeout: 100 })).rejects.toThrow(
      /^receiveAll\(\): expected the 'complete' of the 'ping' sent last \(ref t\d+\.1\), but it did not come within 100 ms; nothing arrived$/,
    );
    expect(await client.receiveAll()).toEqual([{ action: 'pong', payload: null }]);
  });

  it('a frame the document does not allow fails the read that returns it', async () => {
    await using client = await server.connect(connectSystem);
    client.send({ action: 'user_message', payload: { message: 'x' } });
    await expect(client.receiveAll()).rejects.toThrow(
      /^receiveAll\(\): the server sent a frame the document does not allow \(system_echo: \/payload must have required property 'message'\)/,
    );
  });

  it('knows the id of each connection, so an event can be sent to one', async () => {
    await using a = await server.connect(connectSystem);
    await using b = await server.connect(connectSystem);
    expect(a.connectionId).not.toBe(b.connectionId);
    server.events(systemChannel).sendEvent({ action: 'system_echo', payload: { message: 'to b' } }, b.connectionId);
    expect(await b.receiveNext()).toEqual({ action: 'system_echo', payload: { message: 'to b' } });
    await a.expectNothing(50);
    expect(server.captured.events).toEqual([{ channel: 'system', event: { action: 'system_echo', payload: { message: 'to b' } }, to: b.connectionId }]);
  });
});

describe('connecting as a user', () => {
  class Guarded implements SystemHandlers<string> {
    authenticate(request: UpgradeRequest): string | AuthRefusal {
      const token = request.headers.authorization;
      return token?.startsWith('Bearer ') ? token.slice('Bearer '.length) : refuse(401);
    }
    onConnect(ctx: SystemContext<string>): void {
      ctx.send({ action: 'system_echo', payload: { message: `hello ${ctx.user}` } });
    }
    onPing(): M.PongMessage {
      return { action: 'pong', payload: null };
    }
    onUserMessage(message: M.UserMessage): M.SystemEchoMessage {
      return { action: 'system_echo', payload: { message: message.payload.message } };
    }
  }
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer([mount(systemChannel, Guarded)]);
  });
  afterAll(() => server.close());

  it('server.as(headers) connects as the user authenticate reads from them', async () => {
    await using alice = await server.as({ authorization: 'Bearer alice' }).connect(connectSystem);
    expect(await alice.receiveNext()).toEqual({ action: 'system_echo', payload: { message: 'hello alice' } });
  });

  it("a refused connection reads Chanx's authentication frame, then its close", async () => {
    await using anonymous = await server.connect(connectSystem);
    expect(await anonymous.receiveNext('authentication')).toEqual({
      action: 'authentication',
      payload: { status_code: 401, status_text: 'Unauthorized', data: { detail: 'Authentication credentials were not provided.' } },
    });
    expect((await anonymous.closed).code).toBeGreaterThanOrEqual(1000);
    await expect(anonymous.receiveNext()).rejects.toThrow(/^receiveNext\(\): expected a message, but the connection closed \(\d+/);
  });
});
