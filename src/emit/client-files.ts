/**
 * A channel's typed client (DESIGN §11): client.ts over chanx-gen/client, and client-validators.ts,
 * the precompiled validators of what the server sends, which the client checks frames with. A
 * channel hosting x-topic topics gets a typed handle per topic.
 */
import type { ApiModel, ChannelModel, JsonSchema, MessageModel } from '../model/types.js';
import { fixedValue } from '../model/discriminator.js';
import { refName } from '../model/schema-registry.js';
import { camelCase, isIdentifier } from '../model/names.js';
import { jsDoc, stringLiteral } from './escape.js';
import type { GeneratedFile } from './generated-file.js';
import { header } from './header.js';
import { render } from './templates.js';
import { standaloneValidators } from './validators.js';
import { runtimeImports } from './runtime-names.js';

export function clientNames(channel: ChannelModel) {
  const t = channel.typeName;
  return {
    client: `${t}Client`,
    connectFn: camelCase(`connect_${t}`),
    connectOptions: `${t}ConnectOptions`,
    receives: `${t}Receives`,
    params: `${t}ClientParams`,
    handle: `${t}Handle`,
  };
}

/** How frames from the server are told apart: by a field every server-to-client message fixes, else by trial. */
export function receiveNaming(model: ApiModel, channel: ChannelModel): { field: string | null; names: Map<MessageModel, string> } {
  const field = channel.discriminator ?? 'action';
  const resolve = (s: JsonSchema): JsonSchema => {
    let current = s;
    for (let name = refName(current); name !== undefined; name = refName(current)) current = model.schemas[name] ?? true;
    return current;
  };
  const names = new Map<MessageModel, string>();
  for (const m of channel.outgoing) {
    const value = fixedValue(model.schemas[m.typeName] ?? true, field, resolve);
    if (value === undefined || [...names.values()].includes(value)) break;
    names.set(m, value);
  }
  if (names.size === channel.outgoing.length) return { field, names };
  return { field: null, names: new Map(channel.outgoing.map((m) => [m, m.key])) };
}

const key = (name: string): string => (isIdentifier(name) ? name : stringLiteral(name));

/** What client.ts says of one channel's (or topic's) messages: types, validators, requests, tables. */
function messagesView(model: ApiModel, channel: ChannelModel) {
  const { field, names } = receiveNaming(model, channel);
  // An outgoing message named `error` would be taken for an error frame; the error frame type wins.
  const receiving = channel.outgoing.filter((m) => names.get(m) !== 'error');
  const validated = receiving.map((m) => ({ message: m, name: names.get(m)!, validatorName: `validate${m.typeName}` }));
  const requests = channel.incoming.filter((m) => m.handler.replies.length > 0);
  const replyNames = (m: (typeof requests)[number]): string[] =>
    channel.outgoing.filter((o) => m.handler.replies.includes(o.typeName)).map((o) => names.get(o)!);
  return {
    validated,
    types: [`${channel.typeName}ToServer`, ...receiving.map((m) => m.typeName), ...requests.flatMap((m) => [m.typeName, ...m.handler.replies])],
    toServer: `${channel.typeName}ToServer`,
    receiveWhat: field === null ? 'message name' : stringLiteral(field),
    receiveEntries: validated.map((v) => ({ name: key(v.name), type: v.message.typeName })),
    requests: requests.map((m) => ({
      doc: jsDoc(
        [
          m.handler.summary ?? `Sends ${m.key} and resolves with its reply.`,
          'Rejects with ChanxFrameError on an error frame, ChanxTimeoutError, or ChanxClosedError.',
        ],
        '  ',
      ),
      message: m.typeName,
      reply: m.handler.replies.join(' | '),
    })),
    sendField: channel.discriminator === null ? 'null' : stringLiteral(channel.discriminator),
    receiveField: field === null ? 'null' : stringLiteral(field),
    receivesTable: validated.map((v) => `${key(v.name)}: ${v.validatorName}`).join(', '),
    repliesTable:
      channel.discriminator === null ? '' : requests.map((m) => `${key(m.tag ?? m.key)}: [${replyNames(m).map(stringLiteral).join(', ')}]`).join(', '),
  };
}

function paramsDeclaration(name: string, params: readonly { name: string; description?: string; enum?: string[] }[]): string {
  if (params.length === 0) return `type ${name} = Record<string, never>;`;
  return `interface ${name} {\n${params.map((p) => `${jsDoc([p.description], '  ')}  readonly ${key(p.name)}: ${p.enum === undefined ? 'string' : p.enum.map(stringLiteral).join(' | ')};`).join('\n')}\n}`;
}

/** Members a topic accessor must not take: the client's own. */
const CLIENT_MEMBERS = new Set(['state', 'send', 'request', 'on', 'close', 'topic', 'onReopen', 'url', 'channel', 'reportTopicFailure']);

export function clientFiles(model: ApiModel, channel: ChannelModel, warn: (message: string) => void): GeneratedFile[] {
  const head = header(model);
  const n = clientNames(channel);
  const dir = channel.folder;
  const own = messagesView(model, channel);
  const topicChannels = model.channels.filter((c) => c.topicOf?.parent === channel.key);
  const taken = new Set(CLIENT_MEMBERS);
  const topics = topicChannels.map((t) => {
    const view = messagesView(model, t);
    const pattern = t.topicOf!.pattern || t.topicOf!.name;
    const params = [...pattern.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1]! }));
    let accessor = camelCase(t.topicOf!.name);
    while (taken.has(accessor)) accessor = `${accessor}Topic`;
    taken.add(accessor);
    const tn = clientNames(t);
    return {
      ...view,
      channel: t,
      folder: t.folder,
      key: stringLiteral(t.key),
      patternLiteral: stringLiteral(pattern),
      accessor,
      hasParams: params.length > 0,
      params: `${t.typeName}TopicParams`,
      paramsDeclaration: paramsDeclaration(`${t.typeName}TopicParams`, params),
      handle: tn.handle,
      receives: tn.receives,
      doc: jsDoc([`Topic ${t.topicOf!.name} ('${pattern}') on this connection.`, t.description], ''),
      accessorDoc: jsDoc([`A handle on topic ${t.topicOf!.name}: \`${pattern}\` with its parameters filled in. Call \`subscribe()\` on it first.`], '  '),
    };
  });
  const validated = [...own.validated, ...topics.flatMap((t) => t.validated)].filter(
    (v, i, all) => all.findIndex((w) => w.validatorName === v.validatorName) === i,
  );

  // What client.ts imports from messages.ts and declares itself; a runtime import of one of those names is aliased.
  const declared = [...own.types, ...topics.flatMap((t) => [...t.types, t.params, t.handle, t.receives]), ...Object.values(n)];
  const imports = runtimeImports(
    [
      'ChanxClient',
      'type ClientChannel',
      'type ClientOptions',
      'type ErrorFrame',
      ...(topics.length > 0 || own.requests.length > 0 || topics.some((t) => t.requests.length > 0) ? ['type RequestOptions'] : []),
      ...(topics.length > 0 ? ['type TopicHandle'] : []),
      'type Unsubscribe',
    ],
    declared,
  );
  const client = render('client.ts', {
    header: head,
    runtimeImports: imports.clause,
    rt: { TopicHandle: 'TopicHandle', RequestOptions: 'RequestOptions', ...imports.local },
    typeImports: [...new Set(own.types)].sort().join(', '),
    topicImports: topics.map((t) => ({ folder: t.folder, types: [...new Set(t.types)].sort().join(', ') })),
    validatorImports: validated.map((v) => v.validatorName).join(', '),
    addressLiteral: stringLiteral(channel.address),
    channelLiteral: stringLiteral(channel.key),
    hasParams: channel.params.length > 0,
    params: n.params,
    paramsDeclaration: paramsDeclaration(n.params, channel.params),
    connectOptions: n.connectOptions,
    receives: n.receives,
    client: n.client,
    doc: jsDoc([`A connection to channel ${channel.key} (${channel.address}).`, channel.description]),
    connectFn: n.connectFn,
    ...own,
    topics,
    hasTopics: topics.length > 0,
  });
  const validatorImport = runtimeImports(
    ['type ClientValidator'],
    validated.map((v) => v.message.typeName),
    true,
  );
  const validatorsJs = standaloneValidators(
    channel.key,
    validated.map((v) => ({ typeName: v.message.typeName, validatorName: v.validatorName })),
    model.schemas,
    model.specPath,
    (message) => warn(`channel '${channel.key}' (client): ${message}`),
    'chanx-gen/client-ajv',
    () => validatorImport.local['ClientValidator']!,
  );
  const validators = render('client-validators.ts', {
    header: head,
    runtimeImports: validatorImport.clause,
    validators: validated.length > 0,
    code: validatorsJs,
  });
  return [
    { kind: 'generated', path: `${dir}/client.ts`, content: client },
    { kind: 'generated', path: `${dir}/client-validators.ts`, content: validators },
  ];
}
