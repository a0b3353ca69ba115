/**
 * Topic handles in chanx-gen/client against a ws server that speaks Chanx 2.10's topic frames
 * (DESIGN §10): subscribe/subscribed, requests and pushes stamped with the topic, refusals as error
 * frames, and the subscription made again after a reconnect.
 */
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ChanxClient, ChanxFrameError, type ClientChannel } from 'chanx-gen/client';
import { connectHub } from '../fixtures/client-topics/expected/hub/client.js';

const channel: ClientChannel = {
  key: 'hub',
  address: '/ws/hub',
  sendField: 'action',
  receiveField: 'action',
  receives: {},
  replies: {},
  topics: [
    {
      key: 'room',
      pattern: 'room:{room_name}',
      sendField: 'action',
      receiveField: 'action',
      receives: {
        posted: Object.assign((f: unknown) => typeof (f as { payload?: { body?: unknown } }).payload?.body === 'string', { errors: null }),
        room_event: Object.assign((f: unknown) => typeof (f as { payload?: unknown }).payload === 'object', { errors: null }),
      },
      replies: { echo: ['posted'] },
    },
  ],
};

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A Chanx-like topic server; `subscribes` counts subscribe frames per topic. */
async function topicServer(port = 0): Promise<{ url: string; port: number; subscribes: Map<string, number>; sockets: Set<WebSocket>; stop(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws/hub' });
  await new Promise((r) => wss.once('listening', r));
  const subscribes = new Map<string, number>();
  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { action: string; topic: string; ref?: string; payload?: unknown };
      const stamp = { version: 1, topic: f.topic, ...(f.ref !== undefined ? { ref: f.ref } : {}) };
      if (f.action === 'subscribe') {
        if (f.topic === 'room:secret')
          return ws.send(
            JSON.stringify({ action: 'error', payload: { reason: 'unauthorized', detail: "Not authorized to subscribe to 'room:secret'" }, ...stamp }),
          );
        subscribes.set(f.topic, (subscribes.get(f.topic) ?? 0) + 1);
        ws.send(JSON.stringify({ action: 'subscribed', payload: null, ...stamp }));
        ws.send(JSON.stringify({ action: 'room_event', payload: { text: 'joined' }, version: 1, topic: f.topic, seq: 1 }));
      } else if (f.action === 'unsubscribe') ws.send(JSON.stringify({ action: 'unsubscribed', payload: null, ...stamp }));
      else if (f.action === 'echo' || f.action === 'post') ws.send(JSON.stringify({ action: 'posted', payload: f.payload, ...stamp }));
    });
  });
  const stop = () =>
    new Promise<void>((r) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => r());
    });
  cleanups.push(stop);
  const bound = (wss.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${bound}`, port: bound, subscribes, sockets, stop };
}

it('subscribes, requests and receives pushes on a topic; refusals reject', async () => {
  const server = await topicServer();
  const client = await ChanxClient.open(server.url, channel, undefined, {});
  cleanups.push(() => client.close());
  const lobby = client.topic('room:{room_name}', { room_name: 'lobby' });
  expect(lobby.name).toBe('room:lobby');
  const events: unknown[] = [];
  lobby.on('room_event', (m) => events.push(m));
  await lobby.subscribe();
  expect(lobby.subscribed).toBe(true);
  expect(await lobby.request({ action: 'echo', payload: { body: 'hi' } })).toMatchObject({ action: 'posted', topic: 'room:lobby', payload: { body: 'hi' } });
  await expect.poll(() => events).toEqual([{ action: 'room_event', payload: { text: 'joined' }, version: 1, topic: 'room:lobby', seq: 1 }]);
  const secret = client.topic('room:{room_name}', { room_name: 'secret' });
  const refused = await secret.subscribe().catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(ChanxFrameError);
  expect((refused as ChanxFrameError).frame?.payload).toEqual({ reason: 'unauthorized', detail: "Not authorized to subscribe to 'room:secret'" });
  // A handle never subscribed can still be unsubscribed (the server answers as it will).
  expect(secret.subscribed).toBe(false);
  await secret.unsubscribe();
  expect(secret.subscribed).toBe(false);
  await lobby.unsubscribe();
  expect(lobby.subscribed).toBe(false);
});

it('subscribes again after a reconnect', async () => {
  const first = await topicServer();
  let opens = 0;
  const client = await ChanxClient.open(first.url, channel, undefined, { reconnect: { initialDelay: 20 }, onOpen: () => opens++ });
  cleanups.push(() => client.close());
  await client.topic('room:{room_name}', { room_name: 'a' }).subscribe();
  const b = client.topic('room:{room_name}', { room_name: 'b' });
  await b.subscribe();
  await b.unsubscribe();
  await first.stop();
  const second = await topicServer(first.port);
  await expect.poll(() => opens, { timeout: 5000 }).toBe(2);
  await expect.poll(() => second.subscribes).toEqual(new Map([['room:a', 1]]));
});

it('the generated client of a hub gives typed topic handles (test/fixtures/client-topics)', async () => {
  const server = await topicServer();
  const invalid: string[] = [];
  const client = await connectHub(server.url, { onInvalid: (_f, problem) => invalid.push(problem) });
  cleanups.push(() => client.close());
  const room = client.roomTopic({ room_name: 'lobby' });
  const events: string[] = [];
  room.on('room_event', (m) => events.push(m.payload.text));
  await room.subscribe();
  const posted = await room.request({ action: 'post', payload: { text: 'hello' } });
  expect(posted.payload.text).toBe('hello');
  await expect.poll(() => events).toEqual(['joined']);
  // A reply the topic's schema does not allow fails the request and reaches onInvalid.
  await expect(room.request({ action: 'post', payload: { text: 5 } } as never)).rejects.toBeInstanceOf(ChanxFrameError);
  expect(invalid).toEqual([expect.stringMatching(/^posted: \/payload\/text must be string/)]);
});
