/**
 * model: parsed AsyncAPI document -> ApiModel. Pure: no I/O. Every naming, routing and typing
 * decision is made here so that emitters only lay things out. buildModel runs one step per
 * decision, each a function below that says what it decides: the message keys of a channel, which
 * messages travel which way, the routing field and every message's tag, the handler of each incoming
 * message, and the messages no operation uses. Type names are allocated in the order the steps run
 * (component schemas, then per channel: incoming, replies, outgoing, unused), which keeps them stable.
 */
import type { ChannelView, DocumentView, MessageView, OperationView } from '../load/document-view.js';
import { InputError, type Diagnostic } from '../load/diagnostics.js';
import type { SourceFile } from '../load/source-files.js';
import { detectDiscriminator, fixedValue } from './discriminator.js';
import { camelCase, folderName, NameAllocator, pascalCase } from './names.js';
import { CHANNEL_SUFFIXES, DEVICE_NAMES, GLOBAL_NAMES, TOPIC_HOOKS, TYPE_PARAMETERS, CHANNEL_HOOKS } from './reserved-names.js';
import { refName, SchemaRegistry } from './schema-registry.js';
import { restoreRefDefaults } from './ref-defaults.js';
import { sharedAddresses } from './shared-addresses.js';
import { linkTopics } from './topics.js';
import type { ApiModel, ChannelModel, HandlerModel, IncomingMessageModel, JsonSchema, MessageModel } from './types.js';

export interface ModelOptions {
  /** Routing field to use for every channel (`--discriminator`). */
  discriminator?: string;
}

export interface ModelInput {
  document: DocumentView;
  /** The spec file, for locating problems. */
  spec: SourceFile;
  specPath: string;
  inputHash: string;
}

export interface ModelResult {
  model: ApiModel;
  warnings: Diagnostic[];
}

/**
 * Names a schema must not take: globals, the handlers' type parameter, and what the generated files
 * name after each channel (`ChatToServer`, ...). Runtime imports are aliased instead (emit/runtime-names.ts).
 */
function reservedTypeNames(channelTypeNames: Iterable<string>): string[] {
  return [...GLOBAL_NAMES, ...TYPE_PARAMETERS, ...[...channelTypeNames].flatMap((t) => CHANNEL_SUFFIXES.map((s) => `${t}${s}`))];
}

/** What every step shares: the allocators that keep names unique, and the problems found so far. */
interface ModelContext {
  spec: SourceFile;
  isV2: boolean;
  registry: SchemaRegistry;
  folders: NameAllocator;
  /** Each channel's type name (`Chat`), decided first: the names derived from it are reserved for the generated code. */
  channelTypes: Map<string, string>;
  warnings: Diagnostic[];
  errors: Diagnostic[];
}

export function buildModel(input: ModelInput, options: ModelOptions = {}): ModelResult {
  const { document, spec } = input;
  const channelTypes = channelTypeNames(document.channels);
  const ctx: ModelContext = {
    spec,
    isV2: document.version.startsWith('2.'),
    registry: new SchemaRegistry(reservedTypeNames(channelTypes.values())),
    folders: new NameAllocator(DEVICE_NAMES, { ignoreCase: true }),
    channelTypes,
    warnings: [],
    errors: [],
  };
  restoreRefDefaults(spec.data, nameComponentSchemas(ctx, document), ctx.registry.schemas);
  const channels = [...document.channels].sort((a, b) => cmp(a.id, b.id)).map((channel) => buildChannel(ctx, channel, options));
  for (const problem of linkTopics(channels, document, (key, ...rest) => locateChannel(ctx, key, ...rest)))
    (problem.severity === 'error' ? ctx.errors : ctx.warnings).push(problem);
  ctx.warnings.push(...sharedAddresses(channels, (key, ...rest) => locateChannel(ctx, key, ...rest), ctx.isV2));
  if (ctx.errors.length > 0) throw new InputError(ctx.errors);

  return {
    model: {
      specPath: input.specPath,
      inputHash: input.inputHash,
      title: document.title,
      version: document.apiVersion,
      schemas: sortKeys(ctx.registry.schemas),
      renamed: sortKeys(ctx.registry.renamed),
      channels,
    },
    warnings: ctx.warnings,
  };
}

/** Channel type names, in key order: the channel's title, else its key, PascalCase and unique. */
function channelTypeNames(channels: readonly ChannelView[]): Map<string, string> {
  const names = new NameAllocator();
  return new Map([...channels].sort((a, b) => cmp(a.id, b.id)).map((c) => [c.id, names.allocate(pascalCase(c.title ?? c.id, 'Channel'))]));
}

/** Component schemas are named first, in key order, so that they keep their own names when a message clashes. */
function nameComponentSchemas(ctx: ModelContext, document: DocumentView): Map<string, string> {
  const names = new Map<string, string>();
  for (const schema of [...document.componentSchemas].sort((a, b) => cmp(a.id, b.id))) {
    names.set(schema.id, ctx.registry.nameSchema(schema.schema, schema.id));
  }
  return names;
}

function buildChannel(ctx: ModelContext, channel: ChannelView, options: ModelOptions): ChannelModel {
  const key = channel.id;
  const keyOf = messageKeys(channel);
  const { incomingViews, outgoingViews, receivedBy } = directions(channel, keyOf);
  const typeNameOf = (m: MessageView): string => ctx.registry.nameSchema(m.payload ?? true, messageName(m), 'Message');
  const describe = (m: MessageView): MessageModel => ({
    key: keyOf(m),
    typeName: typeNameOf(m),
    tag: null,
    ...doc('summary', m.summary),
    ...doc('description', m.description),
  });

  const routed = incomingViews.map(describe);
  const discriminator = tagIncoming(ctx, key, routed, options.discriminator);
  const incoming = attachHandlers(routed, receivedBy, typeNameOf, channel.extensions['x-topic'] !== undefined ? TOPIC_HOOKS : CHANNEL_HOOKS);
  const outgoing = outgoingViews.map(describe);
  const unused = unusedMessages(ctx, channel, keyOf, new Set([...incomingViews, ...outgoingViews].map(keyOf))).map(describe);
  const address = channelAddress(channel, ctx.isV2);
  return {
    key,
    folder: ctx.folders.allocate(folderName(key)),
    typeName: ctx.channelTypes.get(key)!,
    address,
    ...doc('description', channel.description),
    params: channelParams(channel, address),
    discriminator: incoming.length > 0 ? discriminator : null,
    incoming,
    outgoing,
    unused,
  };
}

/**
 * Decides each message's key in its channel: the document's own (3.x), else the message's name or
 * title (2.x may have neither id), made unique in the order of those names.
 */
function messageKeys(channel: ChannelView): (m: MessageView) => string {
  const keys = new WeakMap<object, string>();
  const keyNames = new NameAllocator();
  const keyOf = (m: MessageView): string => {
    const raw = m.identity;
    let k = keys.get(raw);
    if (k === undefined) keys.set(raw, (k = keyNames.allocate(m.id ?? messageName(m))));
    return k;
  };
  for (const m of [...channel.messages].sort((a, b) => cmp(a.id ?? messageName(a), b.id ?? messageName(b)))) keyOf(m);
  return keyOf;
}

/**
 * Decides which messages the server receives (those of `receive` operations) and which it sends
 * (those of `send` operations and every reply), each sorted by key, and which operations receive each.
 */
function directions(
  channel: ChannelView,
  keyOf: (m: MessageView) => string,
): { incomingViews: MessageView[]; outgoingViews: MessageView[]; receivedBy: Map<string, OperationView[]> } {
  const receivedBy = new Map<string, OperationView[]>();
  const incoming = new Map<string, MessageView>();
  const outgoing = new Map<string, MessageView>();
  for (const op of channel.operations) {
    for (const m of op.messages) {
      if (op.isReceive) {
        incoming.set(keyOf(m), m);
        receivedBy.set(keyOf(m), [...(receivedBy.get(keyOf(m)) ?? []), op]);
      } else outgoing.set(keyOf(m), m);
    }
    for (const m of op.replies ?? []) outgoing.set(keyOf(m), m);
  }
  const byKey = (a: MessageView, b: MessageView) => cmp(keyOf(a), keyOf(b));
  return { incomingViews: [...incoming.values()].sort(byKey), outgoingViews: [...outgoing.values()].sort(byKey), receivedBy };
}

/** What a schema that no JSON object can match is (`a string`, `a string or null`), or undefined when an object may match it. */
function notAnObject(schema: JsonSchema): string | undefined {
  if (schema === false) return 'a schema nothing matches';
  if (schema === true) return undefined;
  const type = schema['type'];
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : undefined;
  if (types === undefined || types.length === 0 || types.includes('object')) return undefined;
  const article = (t: string) => (t === 'null' ? 'null' : t === 'array' || t === 'integer' ? `an ${t}` : `a ${t}`);
  return types.map(article).join(' or ');
}

/**
 * Decides the channel's routing field (the option, else the one every incoming message fixes) and
 * sets each message's tag to the value it fixes. A message without a value, or two with the same,
 * are errors; several messages with no common field are routed by trying each schema (a warning).
 */
function tagIncoming(ctx: ModelContext, key: string, incoming: MessageModel[], option: string | undefined): string | null {
  const { registry } = ctx;
  const resolve = (s: JsonSchema): JsonSchema => {
    let current = s;
    for (let name = refName(current); name !== undefined; name = refName(current)) current = registry.schemas[name] ?? true;
    return current;
  };
  const schemasOf = incoming.map((m) => registry.schemas[m.typeName] ?? true);
  for (const [i, m] of incoming.entries()) {
    const kind = notAnObject(resolve(schemasOf[i]!));
    if (kind === undefined) continue;
    ctx.warnings.push({
      severity: 'warning',
      ...locateMessage(ctx, key, m.key),
      message: `message '${m.key}' of channel '${key}' is ${kind}, not a JSON object: the server answers every frame that is not an object with model_type (Chanx's envelope), so its handler never runs`,
    });
  }
  const discriminator = option ?? detectDiscriminator(schemasOf, resolve) ?? null;
  if (discriminator === null) {
    if (incoming.length > 1) {
      ctx.warnings.push({
        severity: 'warning',
        ...locateChannel(ctx, key),
        message: `channel '${key}' has no field that every incoming message fixes; frames are routed by trying each message schema (oneOf). Pass --discriminator FIELD to route by a field`,
      });
    }
    return null;
  }
  for (const [i, m] of incoming.entries()) {
    const value = fixedValue(schemasOf[i]!, discriminator, resolve);
    if (value === undefined) {
      ctx.errors.push({
        severity: 'error',
        ...locateMessage(ctx, key, m.key),
        message: `message '${m.key}' of channel '${key}' does not fix a value for discriminator '${discriminator}' (const, one-value enum or ^value$ pattern)`,
      });
    }
    m.tag = value ?? null;
  }
  const byTag = new Map<string, MessageModel>();
  for (const m of incoming) {
    if (m.tag === null) continue;
    const other = byTag.get(m.tag);
    if (other !== undefined) {
      const a = locateMessage(ctx, key, other.key);
      ctx.errors.push({
        severity: 'error',
        ...locateMessage(ctx, key, m.key),
        message: `messages '${other.key}' (${a.file}:${a.line}:${a.column}) and '${m.key}' of channel '${key}' both have ${discriminator} '${m.tag}': the server could not tell them apart`,
      });
    } else byTag.set(m.tag, m);
  }
  return discriminator;
}

/**
 * Decides each incoming message's handler, in tag (else key) order: its method name (`on` + tag;
 * `onEventMessage` where that would be a hook's name), the operations it documents, its replies, and the validator's name.
 */
function attachHandlers(
  incoming: MessageModel[],
  receivedBy: Map<string, OperationView[]>,
  typeNameOf: (m: MessageView) => string,
  hooks: readonly string[],
): IncomingMessageModel[] {
  const methods = new NameAllocator(hooks);
  const validators = new NameAllocator();
  return incoming
    .sort((a, b) => cmp(a.tag ?? a.key, b.tag ?? b.key))
    .map((m) => {
      const received = receivedBy.get(m.key) ?? [];
      const replies = new Set<string>();
      for (const op of received) for (const r of op.replies ?? []) replies.add(typeNameOf(r));
      const first = received[0];
      const handler: HandlerModel = {
        method: methods.allocate(camelCase(`on_${m.tag ?? m.key}`), 'Message'),
        operations: received
          .map((op) => op.id ?? '')
          .filter((id) => id !== '')
          .sort(),
        ...doc('summary', first?.summary),
        ...doc('description', first?.description),
        replies: [...replies].sort(),
      };
      return { ...m, handler, validatorName: validators.allocate(`validate${m.typeName}`) };
    });
}

/** The messages the channel lists that no operation sends or receives: typed only, with a warning. */
function unusedMessages(ctx: ModelContext, channel: ChannelView, keyOf: (m: MessageView) => string, used: Set<string>): MessageView[] {
  const unused = [...channel.messages].filter((m) => !used.has(keyOf(m))).sort((a, b) => cmp(keyOf(a), keyOf(b)));
  if (unused.length > 0) {
    const key = channel.id;
    ctx.warnings.push({
      severity: 'warning',
      ...locateChannel(ctx, key),
      message: `channel '${key}' lists ${unused.map((m) => `'${keyOf(m)}'`).join(', ')} but no operation sends or receives ${unused.length === 1 ? 'it' : 'them'}; typed only`,
    });
  }
  return unused;
}

function locateChannel(ctx: ModelContext, key: string, ...rest: string[]): { file: string; line: number; column: number } {
  return { file: ctx.spec.displayPath, ...ctx.spec.locate(['channels', key, ...rest]) };
}

function locateMessage(ctx: ModelContext, channelKey: string, messageKey: string): { file: string; line: number; column: number } {
  return ctx.isV2 ? locateChannel(ctx, channelKey) : locateChannel(ctx, channelKey, 'messages', messageKey);
}

function messageName(m: MessageView): string {
  for (const candidate of [m.name, m.title, m.id]) {
    if (typeof candidate === 'string' && candidate.trim() !== '' && !/^<anonymous-message-\d+>$/.test(candidate)) return candidate;
  }
  return 'Message';
}

/**
 * The channel's parameters: exactly the `{variables}` of its address, which is what the server
 * passes, with the description and allowed values the document gives (documents may leave a
 * variable undescribed, or describe one the address lacks; the parser accepts both in places).
 */
function channelParams(channel: ChannelView, address: string): ChannelModel['params'] {
  const names = [...new Set([...address.matchAll(/{(.+?)}/g)].map((m) => m[1]!))];
  return names
    .map((name) => {
      const p = channel.parameters.find((q) => q.id === name);
      return { name, ...doc('description', p?.description), ...(p?.enum !== undefined ? { enum: [...p.enum] } : {}) };
    })
    .sort((a, b) => cmp(a.name, b.name));
}

function channelAddress(channel: ChannelView, isV2: boolean): string {
  const address = channel.address ?? channel.id;
  const withSlash = address.startsWith('/') ? address : `/${address}`;
  return isV2 || address !== '' ? withSlash : `/${channel.id}`;
}

function doc<K extends string>(key: K, text: string | undefined): { [P in K]?: string } {
  return text !== undefined && text.trim() !== '' ? ({ [key]: text } as { [P in K]?: string }) : {};
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]!]),
  );
}
