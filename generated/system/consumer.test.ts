// Created by chanx-gen from specs/system.yaml with consumer.ts. This file is yours: chanx-gen never rewrites it,
// nor creates it again. It runs with node:test on the compiled build (`npm test` in a project made by
// `chanx-gen init`); see "Testing your handlers" in chanx-gen's README.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from 'chanx-gen/testing';
import { createServer } from '../server.js';
import { connectSystem } from './client.js';

const WELCOME = { action: 'system_echo', payload: { message: '🔧 System: Connection established!' } };

describe('channel system (/ws/system)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(createServer);
  });
  after(() => server.close());

  /** A client that has read its welcome. */
  async function connected() {
    const client = await server.connect(connectSystem);
    assert.deepEqual(await client.receiveNext(), WELCOME);
    return client;
  }

  it('onConnect greets, and says nothing more', async () => {
    await using client = await connected();
    await client.expectNothing();
  });

  it('ping: onPing answers pong', async () => {
    await using client = await connected();
    client.send({ action: 'ping' });
    assert.deepEqual(await client.receiveAll(), [{ action: 'pong', payload: null }]);
  });

  it('user_message: onUserMessage echoes the message', async () => {
    await using client = await connected();
    client.send({ action: 'user_message', payload: { message: 'Hello' } });
    assert.deepEqual(await client.receiveAll(), [{ action: 'system_echo', payload: { message: '🔧 System Echo: Hello' } }]);
  });

  it('an invalid message gets an error frame, and the connection goes on', async () => {
    await using client = await connected();
    client.send({ action: 'user_message', payload: { message: 42 } } as never);
    assert.deepEqual(await client.receiveAll(), [
      { action: 'error', payload: [{ type: 'string_type', loc: ['user_message', 'payload', 'message'], msg: 'Input should be a valid string' }] },
    ]);
    client.send({ action: 'ping' });
    assert.deepEqual(await client.receiveAll(), [{ action: 'pong', payload: null }]);
  });
});
