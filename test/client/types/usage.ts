// Compiled by test/client/types.test.ts with tsc (strict, nodenext). Every @ts-expect-error line
// must be an error (tsc reports an unused one), and every other line must compile.
import { connectSystem } from '../../../generated/system/client.js';
import { connectRoomChat } from '../../fixtures/room-chat/expected/room_chat/client.js';

export async function system(url: string): Promise<void> {
  const client = await connectSystem(url, { reconnect: true, timeout: 1000 });
  const echo = await client.request({ action: 'user_message', payload: { message: 'Hello' } });
  const text: string = echo.payload.message;
  const pong = await client.request({ action: 'ping' });
  const nothing: null | undefined = pong.payload;
  client.send({ action: 'ping' });
  const stop = client.on('system_echo', (m) => m.payload.message.toUpperCase());
  client.on('error', (e) => e.payload);
  stop();

  // @ts-expect-error a wrong action
  client.send({ action: 'user_mesage', payload: { message: 'Hello' } });
  // @ts-expect-error a wrong action in a request
  await client.request({ action: 'pong' });
  // @ts-expect-error a payload field of the wrong type
  await client.request({ action: 'user_message', payload: { message: 42 } });
  // @ts-expect-error a missing payload field
  client.send({ action: 'user_message', payload: {} });
  // @ts-expect-error the reply of a ping is a pong, whose payload has no message
  (await client.request({ action: 'ping' })).payload.message;
  // @ts-expect-error the server sends no such message
  client.on('user_message', () => undefined);
  await client.close();
  void [text, nothing];
}

export async function room(url: string): Promise<void> {
  const client = await connectRoomChat(url, { params: { room_name: 'lobby' } });
  await client.close();
  // @ts-expect-error a missing path parameter
  await connectRoomChat(url, { params: {} });
  // @ts-expect-error no options at all: the address has a path parameter
  await connectRoomChat(url);
  // @ts-expect-error a path parameter of the wrong name
  await connectRoomChat(url, { params: { room: 'lobby' } });
}
