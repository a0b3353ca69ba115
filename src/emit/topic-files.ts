/**
 * What topics add to the output (DESIGN §10). A topic's folder is its x-topic channel's: messages.ts,
 * validators and router.ts as for a channel (the router exports a TopicDefinition instead of a
 * channel), handlers.ts with the topic's handlers and hooks, and topic.ts, the user's class.
 *
 * One stub file per topic, not a class inside the hosting channel's consumer.ts: a topic is served
 * by its own class (one instance per subscription) and may be hosted by a channel and served on a
 * dedicated route at once; its own file gives it one home, and reuses the stub merging that keeps
 * consumer.ts the user's (a handler the document gains is appended to the class).
 */
import type { ApiModel, ChannelModel, TopicModel } from '../model/types.js';
import { isIdentifier } from '../model/names.js';
import { commentText, jsDoc, stringLiteral } from './escape.js';
import type { StubFile } from './generated-file.js';
import { header } from './header.js';
import { stubMethod, stubImports } from './stub-methods.js';
import { render } from './templates.js';
import { runtimeImports } from './runtime-names.js';

interface TopicChannel extends ChannelModel {
  topic: TopicModel;
}

export function isTopic(channel: ChannelModel): channel is TopicChannel {
  return channel.topic !== undefined;
}

/** handlers.ts of a topic: the handlers interface with authorize/onSubscribe/onUnsubscribe, its context and params. */
export function topicHandlers(model: ApiModel, channel: TopicChannel, typeImports: string[]): string {
  const t = channel.typeName;
  const topic = channel.topic;
  const handlerResult = channel.incoming.some((m) => m.handler.replies.length > 0);
  const imports = runtimeImports(
    [...(handlerResult ? ['type HandlerResult'] : []), 'type MaybePromise', 'type TopicContext'],
    [...typeImports, ...['Context', 'ToClient', 'Params', 'Handlers'].map((s) => `${t}${s}`)],
    true,
  );
  return render('topic-handlers.ts', {
    header: header(model),
    runtimeImports: imports.clause,
    rt: imports.local,
    typeImports: typeImports.join(', '),
    nameLiteral: stringLiteral(topic.name),
    patternLiteral: stringLiteral(topic.pattern),
    paramsDeclaration:
      topic.params.length === 0
        ? `type ${t}Params = Record<string, never>;`
        : `interface ${t}Params {\n${topic.params.map((p) => `  readonly ${isIdentifier(p) ? p : stringLiteral(p)}: string;`).join('\n')}\n}`,
    context: `${t}Context`,
    toClient: `${t}ToClient`,
    params: `${t}Params`,
    handlers: `${t}Handlers`,
    doc: jsDoc([`Handlers of topic ${topic.name} (${topic.pattern}), documented by channel ${channel.key}.`, channel.description]),
    methods: channel.incoming.map((m) => ({
      doc: jsDoc([m.handler.summary, m.handler.description, m.description && m.description !== m.handler.description ? m.description : undefined], '  '),
      name: m.handler.method,
      message: m.typeName,
      // A handler may answer by other means (a broadcast) and return nothing, as Chanx's may return None.
      returns:
        m.handler.replies.length === 0 ? `${imports.local['MaybePromise']}<void>` : `${imports.local['HandlerResult']}<${m.handler.replies.join(' | ')}>`,
    })),
  });
}

/** What router.ts needs to export a TopicDefinition instead of a ChannelDefinition. */
export function routerTopicView(channel: ChannelModel): {
  topic: false | { definition: string; nameLiteral: string; patternLiteral: string };
  definitionType: string;
} {
  if (!isTopic(channel)) return { topic: false, definitionType: 'ChannelDefinition' };
  return {
    topic: { definition: channel.topic.definition, nameLiteral: stringLiteral(channel.topic.name), patternLiteral: stringLiteral(channel.topic.pattern) },
    definitionType: 'TopicDefinition',
  };
}

/** topic.ts: the user's class, created once; handlers the document gains are appended to it. */
export function topicStub(model: ApiModel, channel: TopicChannel): StubFile {
  const t = channel.typeName;
  const className = channel.topic.className;
  const methods = channel.incoming.map((m) => ({ name: m.handler.method, text: stubMethod(channel, m, model.schemas, className) }));
  const content = render('topic.ts', {
    specPath: model.specPath.replace(/\n/g, ' '),
    context: `${t}Context`,
    handlers: `${t}Handlers`,
    params: `${t}Params`,
    className,
    patternComment: commentText(channel.topic.pattern).replace(/\n/g, ' '),
    doc: jsDoc([`Topic ${channel.topic.name} (${channel.topic.pattern}); one instance per subscription.`, channel.description]),
    methods: methods.map((m) => m.text).join('\n\n'),
  });
  return { kind: 'stub', path: `${channel.folder}/topic.ts`, content, className, methods, imports: stubImports(`${t}Context`) };
}

/** server.ts: `, [hostTopic(roomTopic, RoomTopic), ...]` after a channel that hosts topics, else ''. */
export function hostedTopics(model: ApiModel, channel: ChannelModel): string {
  const hosted = (channel.topics ?? []).map((key) => model.channels.find((c) => c.key === key)).filter((c): c is TopicChannel => c !== undefined && isTopic(c));
  if (hosted.length === 0) return '';
  return `, [${hosted.map((c) => `hostTopic(${c.topic.definition}, ${c.topic.className})`).join(', ')}]`;
}

/** server.ts: the topic classes and definitions it imports, the dedicated topic routes, and the runtime helpers they need. */
export function topicServerView(model: ApiModel) {
  const topicChannels = model.channels.filter(isTopic);
  const byKey = new Map(model.channels.map((c) => [c.key, c]));
  const used = new Set<string>();
  for (const c of topicChannels) used.add(c.topic.implementedBy);
  const topics = [...used].sort().map((key) => {
    const c = byKey.get(key) as TopicChannel;
    return { className: c.topic.className, definition: c.topic.definition, folder: c.folder };
  });
  const topicRoutes = topicChannels
    .filter((c) => c.topic.parent === null)
    .map((c) => {
      const restricted = c.params.filter((p) => p.enum !== undefined);
      return {
        definition: c.topic.definition,
        className: c.topic.className,
        keyLiteral: stringLiteral(c.key),
        addressLiteral: stringLiteral(c.address),
        paramValues:
          restricted.length === 0
            ? ''
            : `, paramValues: { ${restricted.map((p) => `${isIdentifier(p.name) ? p.name : stringLiteral(p.name)}: [${p.enum!.map(stringLiteral).join(', ')}]`).join(', ')} }`,
      };
    });
  const helpers = [...(topicChannels.some((c) => c.topic.parent !== null) ? ['hostTopic'] : []), ...(topicRoutes.length > 0 ? ['mountTopicRoute'] : [])];
  return { topics, topicRoutes, topicImports: helpers.join(', ') };
}
