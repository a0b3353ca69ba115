/**
 * A topic served on its own route (Chanx's `Topic.as_consumer()`): connecting subscribes to the
 * topic instance the path parameters fill in (`/ws/topics/room/lobby` -> `room:lobby`), frames
 * need no envelope, and the subscription joins the same group as on a channel that hosts the topic.
 */
import type { Connection } from './connection.js';
import { templatePattern } from '../support/path-template.js';
import { rejectUnmatched } from '../protocol/rejections.js';
import type { Route } from './server.js';
import { hostTopic, SESSION_TOPICS } from '../topics/session.js';
import type { TopicDefinition, TopicHooks } from '../topics/topic.js';
import type { ChannelDefinition } from '../channel/definition.js';

export interface TopicRouteOptions {
  /** The channel's key in the document. */
  key: string;
  /** The route, whose `{parameters}` fill the topic's pattern. */
  address: string;
  /** Path parameters restricted to some values: any other value is a 404. */
  paramValues?: Readonly<Record<string, readonly string[]>>;
}

export function mountTopicRoute<H, Out, P>(definition: TopicDefinition<H, Out, P>, Topic: new () => H & TopicHooks<Out, P>, options: TopicRouteOptions): Route {
  const hosted = hostTopic(definition, Topic);
  const { names } = templatePattern(options.address, '');
  const missing = hosted.pattern.params.filter((p) => !names.includes(p));
  if (missing.length > 0) {
    throw new TypeError(`mountTopicRoute: address ${options.address} has no {${missing.join('}, {')}} for topic ${definition.name} ('${definition.pattern}')`);
  }
  const channel: ChannelDefinition<unknown, unknown, unknown> = {
    key: options.key,
    address: options.address,
    discriminator: definition.discriminator,
    ...(options.paramValues !== undefined ? { paramValues: options.paramValues } : {}),
    // Every frame belongs to the route's topic (SESSION_TOPICS.defaultTopic); the session answers them all.
    route: () => rejectUnmatched([]),
    topics: SESSION_TOPICS,
  };
  return {
    mounted: {
      channel,
      // Subscribing is the connection's first step, so frames sent meanwhile wait behind it.
      createHandlers: () => ({ onConnect: (ctx: unknown) => (ctx as Connection).topics!.start(hosted) }),
      topics: { topics: [hosted] },
    },
  };
}
