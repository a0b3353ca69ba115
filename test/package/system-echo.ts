/** The Chanx tutorial's three frames on /ws/system, as every started server must answer them. */
import type { ExpectStatic } from 'vitest';
import { connect, type Recorder } from '../helpers/ws-client.js';

/** Connects, walks welcome, echo and pong, and returns the still open client. */
export async function walkSystemEcho(port: number, expect: ExpectStatic): Promise<Recorder> {
  const client = await connect(`ws://127.0.0.1:${port}/ws/system`);
  expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System: Connection established!' } });
  client.ws.send('{"action":"user_message","payload":{"message":"Hello"}}');
  expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System Echo: Hello' } });
  client.ws.send('{"action":"ping"}');
  expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
  return client;
}
