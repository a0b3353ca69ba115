/** Strings from the document reach generated code as data: the hostile golden routes its odd tag intact. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createChanxServer, mount, type ChanxServer } from 'chanx-gen/runtime';
import { classChannel } from '../fixtures/hostile/expected/class/router.js';
import { ClassConsumer } from '../fixtures/hostile/expected/class/consumer.js';
import { connect } from '../helpers/ws-client.js';

let server: ChanxServer;
let url: string;
beforeAll(async () => {
  server = createChanxServer([mount(classChannel, ClassConsumer)], { logger: { error: () => undefined } });
  url = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}/ws/it's/${encodeURIComponent('a b')}`;
});
afterAll(() => server.close());

it('routes a tag made of comment ends, backticks and ${...} to its handler', async () => {
  const client = await connect(url);
  client.ws.send(JSON.stringify({ action: "it's */ `x` ${y}" }));
  expect(await client.nextJson()).toEqual({ action: 'delete', payload: '\u2028line\u2029sep' });
  client.ws.send(JSON.stringify({ action: 'nope' }));
  expect(await client.nextJson()).toEqual({
    action: 'error',
    payload: [
      {
        type: 'union_tag_invalid',
        loc: [],
        msg: "Input tag 'nope' found using 'action' does not match any of the expected tags: 'delete', 'it's */ `x` ${y}'",
      },
    ],
  });
  client.ws.close();
});
