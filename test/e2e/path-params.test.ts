/** Path parameters: decoded and handed to the consumer; enumerated ones admit only their values. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createChanxServer, mount, type ChanxServer } from 'chanx-gen/runtime';
import { feedVenueChannel } from '../fixtures/type-routed-v2/expected/feed-venue/router.js';
import { FeedVenueConsumer } from '../fixtures/type-routed-v2/expected/feed-venue/consumer.js';
import type { FeedVenueContext } from '../fixtures/type-routed-v2/expected/feed-venue/handlers.js';
import { connect, upgradeStatus } from '../helpers/ws-client.js';

class Venue extends FeedVenueConsumer {
  onConnect(ctx: FeedVenueContext): void {
    const venue: 'spot' | 'futures' = ctx.params.venue;
    ctx.send({ type: 'heartbeat', time: venue });
  }
}

let server: ChanxServer;
let base: string;
beforeAll(async () => {
  server = createChanxServer([mount(feedVenueChannel, Venue)], { logger: { error: () => undefined } });
  base = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});
afterAll(() => server.close());

it.each(['spot', 'futures'])('accepts /feed/%s and passes the value to the consumer', async (venue) => {
  const client = await connect(`${base}/feed/${venue}`);
  expect(await client.nextJson()).toEqual({ type: 'heartbeat', time: venue });
  client.ws.close();
});

it.each(['/feed/options', '/feed/', '/feed/spot/x', '/feed/%E0%A4%A'])('refuses %s with 404', async (p) => {
  expect(await upgradeStatus(`${base}${p}`)).toBe(404);
});
