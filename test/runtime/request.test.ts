/** ctx.request: there in onConnect; released after it (idle connections stay small) unless kept. */
import { expect, it } from 'vitest';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { connect } from '../helpers/ws-client.js';
import { serve } from './serve.js';

class Echoes extends SystemConsumer {
  private room = '';
  override async onConnect(ctx: SystemContext): Promise<void> {
    await new Promise((r) => setTimeout(r, 20)); // still there after an await in onConnect
    this.room = new URL(ctx.request.url ?? '/', 'http://x').searchParams.get('room') ?? '';
    super.onConnect(ctx);
  }
  override onUserMessage(_message: M.UserMessage, ctx: SystemContext): M.SystemEchoMessage {
    let later: string;
    try {
      later = ctx.request.headers['x-who'] as string;
    } catch (err) {
      later = (err as Error).message;
    }
    return { action: 'system_echo', payload: { message: `${this.room} | ${later}` } };
  }
}

it.each([
  [false, /^a \| ctx\.request is released once onConnect is done.*keepUpgradeRequest: true/],
  [true, /^a \| me$/],
])('keepUpgradeRequest %s', async (keep, want) => {
  const s = await serve(Echoes, { keepUpgradeRequest: keep });
  const client = await connect(`${s.url}?room=a`, { 'x-who': 'me' });
  expect(await client.nextJson()).toMatchObject({ action: 'system_echo' });
  client.ws.send('{"action":"user_message","payload":{"message":"x"}}');
  const reply = (await client.nextJson()) as { payload: { message: string } };
  expect(reply.payload.message).toMatch(want);
  client.ws.close();
  await s.close();
});
