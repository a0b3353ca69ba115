/** The test helpers are part of every verdict: they are tested like the code. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ciRequiresEverything, requireOrSkip } from './require.js';
import { connect } from './ws-client.js';

describe('requireOrSkip', () => {
  it('runs the test when the thing is there, CI or not', () => {
    expect(requireOrSkip('x', true, {})).toBe(false);
    expect(requireOrSkip('x', true, { CI: 'true' })).toBe(false);
  });
  it('skips on a machine without it', () => {
    expect(requireOrSkip('x', false, {})).toBe(true);
    expect(requireOrSkip('x', false, { CI: 'false' })).toBe(true);
  });
  it.each(['true', '1', 'yes'])('fails under CI=%s, naming what is missing', (ci) => {
    expect(() => requireOrSkip('redis-server', false, { CI: ci })).toThrow(/redis-server is required when CI is set/);
  });
  it('reads CI as CI services set it', () => {
    expect([undefined, '', '0', 'false', 'FALSE', 'true', '1'].map((CI) => ciRequiresEverything(CI === undefined ? {} : { CI }))).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
  });
});

describe('ws-client next()', () => {
  let wss: WebSocketServer;
  let url: string;
  const sockets: WebSocket[] = [];
  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => sockets.push(ws));
    await new Promise((r) => wss.once('listening', r));
    url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => wss.close(r)));

  it('after a timeout, hands the next frame to the next caller instead of a dead waiter', async () => {
    const client = await connect(url);
    await expect(client.next(30)).rejects.toThrow('no frame within 30 ms');
    sockets.at(-1)!.send('late');
    expect(await client.next()).toBe('late');
    client.ws.close();
  });

  it('keeps frames in order for callers that wait and for frames that wait', async () => {
    const client = await connect(url);
    const first = client.next();
    const second = client.next();
    sockets.at(-1)!.send('a');
    sockets.at(-1)!.send('b');
    sockets.at(-1)!.send('c');
    expect([await first, await second]).toEqual(['a', 'b']);
    expect(await client.next()).toBe('c');
    client.ws.close();
  });
});
