/**
 * The Chanx sandbox document generated over a copy of the repository's generated/ (issue 4):
 * the system stub survives untouched and one server mounts every channel.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChanxServer } from 'chanx-gen/runtime';
import { cli, ROOT, scratch, typecheck } from '../helpers/cli.js';
import { SHARED } from '../helpers/corpus.js';
import { requireOrSkip } from '../helpers/require.js';
import { connect, upgradeStatus } from '../helpers/ws-client.js';

const SANDBOX = path.join(SHARED, 'chanx/fastapi-sandbox.asyncapi.json');

describe.skipIf(requireOrSkip('../shared/chanx/fastapi-sandbox.asyncapi.json', existsSync(SANDBOX)))('the Chanx sandbox document', () => {
  let dir: string;
  let server: ChanxServer;
  let base: string;
  const stub = readFileSync(path.join(ROOT, 'generated/system/consumer.ts'), 'utf8');

  beforeAll(async () => {
    dir = scratch();
    cpSync(path.join(ROOT, 'generated'), path.join(dir, 'generated'), { recursive: true });
    cpSync(SANDBOX, path.join(dir, 'sandbox.json'));
    const run = await cli(['sandbox.json'], dir);
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    const { createServer } = (await import(path.join(dir, 'generated/server.ts'))) as typeof import('../../generated/server.js');
    server = createServer({ logger: { error: () => undefined } });
    base = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(() => server?.close());

  it('keeps the filled-in system stub byte for byte, and the whole tree compiles', async () => {
    expect(readFileSync(path.join(dir, 'generated/system/consumer.ts'), 'utf8')).toBe(stub);
    expect(await typecheck(path.join(dir, 'generated'))).toBe('');
  }, 180_000);

  it("implements each x-topic topic once: in its hosted channel's folder, the dedicated route only typed (test/topics)", () => {
    expect(existsSync(path.join(dir, 'generated/topic_hub_room_topic/topic.ts'))).toBe(true);
    expect(existsSync(path.join(dir, 'generated/room_topic/messages.ts'))).toBe(true);
    expect(existsSync(path.join(dir, 'generated/room_topic/router.ts'))).toBe(false);
  });

  it('still answers the tutorial frames on /ws/system', async () => {
    const client = await connect(`${base}/ws/system`);
    expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System: Connection established!' } });
    client.ws.send('{"action":"user_message","payload":{"message":"Hello"}}');
    expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System Echo: Hello' } });
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    client.ws.close();
  });

  it("routes /ws/room/lobby to room_chat and lists that channel's tags for an unknown action", async () => {
    const client = await connect(`${base}/ws/room/lobby`);
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    client.ws.send('{"action":"nope"}');
    expect(await client.nextJson()).toEqual({
      action: 'error',
      payload: [
        { type: 'union_tag_invalid', loc: [], msg: "Input tag 'nope' found using 'action' does not match any of the expected tags: 'ping', 'room_chat'" },
      ],
    });
    client.ws.send('{"action":"room_chat","payload":{}}');
    expect(await client.nextJson()).toEqual({
      action: 'error',
      payload: [{ type: 'missing', loc: ['room_chat', 'payload', 'message'], msg: 'Field required' }],
    });
    client.ws.close();
  });

  it.each(['/ws/room', '/ws/room/', '/ws/room/a/b'])('refuses %s with 404', async (p) => {
    const status = await upgradeStatus(`${base}${p}`);
    expect(status).toBe(404);
  });

  // Hand-written from the document's receive operations: each address must be served by its own
  // channel's router, which an accepted upgrade alone does not show.
  it.each([
    ['/ws/chat', ['chat', 'extra_request', 'ping']],
    ['/ws/reliable', ['ping', 'reliable_chat']],
    ['/ws/notifications', ['notification', 'ping']],
    ['/ws/analytics', ['analytics', 'ping']],
    ['/ws/background_jobs', ['job', 'ping']],
    ['/ws/room/general', ['ping', 'room_chat']],
  ])('serves %s with its own channel: a pong, and its own tags for an unknown action', async (p, tags) => {
    const client = await connect(`${base}${p}`);
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    client.ws.send('{"action":"nope"}');
    const expected = tags.map((t) => `'${t}'`).join(', ');
    expect(await client.nextJson()).toEqual({
      action: 'error',
      payload: [{ type: 'union_tag_invalid', loc: [], msg: `Input tag 'nope' found using 'action' does not match any of the expected tags: ${expected}` }],
    });
    client.ws.close();
  });

  it.each(['/ws/topics', '/ws/topics/room/general'])('serves %s: a frame gets an answer, not silence', async (p) => {
    const client = await connect(`${base}${p}`);
    // On a dedicated topic route connecting is subscribing: the route first confirms its topic.
    if (p !== '/ws/topics') expect(await client.nextJson()).toMatchObject({ action: 'subscribed', topic: 'room:general' });
    client.ws.send('{"action":"nope"}');
    expect(await client.nextJson()).toMatchObject({ action: 'error' });
    client.ws.close();
  });
});
