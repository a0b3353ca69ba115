/**
 * The server the reliability scenarios attack: the generated system channel, plus a `broadcast:`
 * prefix on user_message that sends the text to every connection but those opened with `?quiet`
 * (to have pushes to a non-reader, and fan-out to many members).
 * Options come from the environment so each scenario can shorten what it waits for (and, as with
 * npm start, LOG_LEVEL, RATE_LIMIT and the rest of serveFromEnv's).
 */
import { createServer } from '../../generated/server.js';
import { createChanxServer, mount, serveFromEnv } from 'chanx-gen/runtime';
import { systemChannel } from '../../generated/system/router.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';

class Broadcasting extends SystemConsumer {
  override onConnect(ctx: SystemContext): void {
    // `?quiet` connections (the flood scenario's pinger) stay out of the broadcast group.
    if (!ctx.request.url?.includes('quiet')) ctx.join('all');
    super.onConnect(ctx);
  }
  override onUserMessage(message: M.UserMessage, ctx: SystemContext): M.SystemEchoMessage {
    if (!message.payload.message.startsWith('broadcast:')) return super.onUserMessage(message, ctx);
    ctx.broadcast({ action: 'system_echo', payload: { message: message.payload.message } }, { excludeSelf: true });
    return { action: 'system_echo', payload: { message: 'sent' } };
  }
}

const env = (name: string): number | undefined => (process.env[name] === undefined ? undefined : Number(process.env[name]));
const options = { heartbeatIntervalMs: env('HEARTBEAT_MS'), maxBufferedBytes: env('MAX_BUFFERED_BYTES') };
// A factory, so that the environment's options (LOG_LEVEL, RATE_LIMIT, METRICS_PORT...) apply too.
await serveFromEnv((fromEnv) =>
  process.env['PLAIN'] === '1' ? createServer({ ...fromEnv, ...options }) : createChanxServer([mount(systemChannel, Broadcasting)], { ...fromEnv, ...options }),
);
