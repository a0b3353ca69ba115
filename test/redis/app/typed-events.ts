// Compiled with the test app (never run): events are typed with the channel's server-to-client messages.
import { channelEvents, RedisLayer } from 'chanx-gen/runtime';
import { roomChannel } from './room/router.js';
import { createServer } from './server.js';

const server = createServer();
server.events(roomChannel).broadcastEvent({ action: 'notice', payload: { text: 'hi' } }, 'room:a');
server.events(roomChannel).sendEvent({ action: 'said', payload: { text: 'hi', from: 'x' } }, 'some-id');
// @ts-expect-error: 'pong' is not a message the room channel sends
server.events(roomChannel).broadcastEvent({ action: 'pong', payload: null }, 'room:a');
// @ts-expect-error: a notice's payload needs its text
channelEvents(roomChannel, new RedisLayer()).broadcastEvent({ action: 'notice', payload: {} }, ['room:a']);
