/**
 * Issue 14 item 2: one connection's queue cannot be poisoned. Whatever a handler, a hook or the
 * logger does, every later frame still gets its answer and no rejected promise is left behind.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createChanxServer, mount, type Logger } from 'chanx-gen/runtime';
import { systemChannel } from '../../generated/system/router.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { connect } from '../helpers/ws-client.js';
import { until } from './serve.js';

let unhandled: unknown[];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => void process.off('unhandledRejection', onUnhandled));

let disconnected = 0;
class Hostile extends SystemConsumer {
  override onConnect(ctx: SystemContext): Promise<void> {
    super.onConnect(ctx);
    return Promise.reject(new Error('onConnect rejects'));
  }
  override onPing(): M.PongMessage {
    throw new Error('sync throw');
  }
  override async onUserMessage(message: M.UserMessage, ctx: SystemContext): Promise<M.SystemEchoMessage> {
    if (message.payload.message === 'reject') throw new Error('async rejection');
    return super.onUserMessage(message, ctx);
  }
  onDisconnect(): never {
    disconnected++;
    throw new Error('onDisconnect throws');
  }
}

const loggers: [string, () => Logger][] = [
  [
    'throws',
    () => ({
      error: () => {
        throw new Error('logger down');
      },
    }),
  ],
  ['returns a rejected promise', () => ({ error: (() => Promise.reject(new Error('logger down'))) as unknown as Logger['error'] })],
  [
    'throws a non-Error',
    () => ({
      error: () => {
        throw undefined;
      },
    }),
  ],
];

it.each(loggers)('a logger that %s stops no later frame of the connection', async (_name, makeLogger) => {
  const server = createChanxServer([mount(systemChannel, Hostile)], { logger: makeLogger() });
  const url = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}/ws/system`;
  const client = await connect(url);
  expect(await client.nextJson()).toMatchObject({ action: 'system_echo' });
  const frames = [
    ['{"action":"ping"}', { action: 'error', payload: { detail: 'Failed to process message for ping' } }],
    ['{"action":"user_message","payload":{"message":"reject"}}', { action: 'error', payload: { detail: 'Failed to process message for user_message' } }],
    ['{"action":"ping"}', { action: 'error', payload: { detail: 'Failed to process message for ping' } }],
    ['{"action":"user_message","payload":{"message":"still here"}}', { action: 'system_echo', payload: { message: '🔧 System Echo: still here' } }],
  ] as const;
  for (const [frame] of frames) client.ws.send(frame);
  for (const [, want] of frames) expect(await client.nextJson()).toEqual(want);
  const before = disconnected;
  client.ws.close();
  await until(() => disconnected === before + 1, 2000, 'onDisconnect');
  await server.close();
  await new Promise((r) => setTimeout(r, 20));
  expect(unhandled).toEqual([]);
});
