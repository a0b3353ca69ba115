// Compiled by test/testing/types.test.ts with tsc (strict, nodenext). Every @ts-expect-error line
// must be an error (tsc reports an unused one), and every other line must compile.
import type { ErrorFrame } from 'chanx-gen/client';
import { startTestServer, type CompletionFrame } from 'chanx-gen/testing';
import { createServer } from '../../../generated/server.js';
import { connectSystem } from '../../../generated/system/client.js';
import type { PongMessage, SystemEchoMessage } from '../../../generated/system/messages.js';
import { systemChannel } from '../../../generated/system/router.js';
import { connectRoomChat } from '../../fixtures/room-chat/expected/room_chat/client.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(_proof: Equal<A, B>): void => undefined;

export async function system(): Promise<void> {
  await using server = await startTestServer(createServer);
  await using client = await server.connect(connectSystem, { headers: { authorization: 'Bearer alice' }, receiveTimeout: 500 });
  client.send({ action: 'user_message', payload: { message: 'Hello' } });
  const all = await client.receiveAll();
  // What the channel's server sends, plus error frames: exactly.
  same<typeof all, (PongMessage | SystemEchoMessage | ErrorFrame)[]>(true);
  const echo = await client.receiveNext('system_echo');
  same<typeof echo, SystemEchoMessage>(true);
  const error = await client.receiveNext('error');
  same<typeof error, ErrorFrame>(true);
  const done = await client.receiveNext('group_complete');
  same<typeof done, CompletionFrame>(true);
  await client.receiveAll({ until: 'event_complete', count: 2, timeout: 100 });
  const text: string = echo.payload.message;
  const id: string = client.connectionId;
  // The generated client is all there.
  const pong: PongMessage = await client.request({ action: 'ping' });
  void [text, id, pong];

  // @ts-expect-error a message the channel does not accept
  client.send({ action: 'pong', payload: null });
  // @ts-expect-error a payload field of the wrong type
  client.send({ action: 'user_message', payload: { message: 42 } });
  // @ts-expect-error the server sends no such message
  await client.receiveNext('user_message');
  // @ts-expect-error not a completion frame
  await client.receiveAll({ until: 'pong' });
  // @ts-expect-error the kit brings its own WebSocket
  await server.connect(connectSystem, { WebSocket: undefined });
  // @ts-expect-error an event the channel does not send
  server.events(systemChannel).broadcastEvent({ action: 'ping' }, 'g');
}

export async function room(): Promise<void> {
  const server = await startTestServer(createServer);
  const alice = server.as({ authorization: 'Bearer alice' });
  const client = await alice.connect(connectRoomChat, { params: { room_name: 'lobby' } });
  const frames = await client.receiveAll();
  void frames;
  // @ts-expect-error the address has a path parameter
  await server.connect(connectRoomChat);
  // @ts-expect-error a missing path parameter
  await server.connect(connectRoomChat, { params: {} });
  await server.close();
}
