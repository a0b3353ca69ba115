/**
 * model: parsed AsyncAPI document -> ApiModel. Pure: no I/O. Every naming, routing and typing
 * decision is made here so that emitters only lay things out.
 */
import type { ChannelView, DocumentView, MessageView, OperationView } from '../load/document-view.js';
import { InputError, type Diagnostic } from '../load/diagnostics.js';
import type { SourceFile } from '../load/source-files.js';
import { detectDiscriminator, fixedValue } from './discriminator.js';
import { camelCase, folderName, NameAllocator, pascalCase } from './names.js';
import { refName, SchemaRegistry } from './schema-registry.js';
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

/** Names the generated code itself uses in every channel's modules; schemas must not take them. */
const RESERVED_TYPE_NAMES = ['MaybePromise', 'ConnectionContext', 'Validator'];

export function buildModel(input: ModelInput, options: ModelOptions = {}): ModelResult {
  const { document, spec } = input;
  const registry = new SchemaRegistry(RESERVED_TYPE_NAMES);
  const folders = new NameAllocator();
  const channelTypes = new NameAllocator();
  const warnings: Diagnostic[] = [];
  const errors: Diagnostic[] = [];
  const isV2 = document.version.startsWith('2.');
  const locateChannel = (key: string, ...rest: string[]) => ({ file: spec.displayPath, ...spec.locate(['channels', key, ...rest]) });

  // Component schemas first, in key order, so that they keep their own names when a message clashes.
  for (const schema of [...document.componentSchemas].sort((a, b) => cmp(a.id, b.id))) {
    registry.nameSchema(schema.schema, schema.id);
  }

  const channels: ChannelModel[] = [];
  for (const channel of [...document.channels].sort((a, b) => cmp(a.id, b.id))) {
    const key = channel.id;
    const messageTypeName = (m: MessageView): string => {
      const payload = m.payload;
      return registry.nameSchema(payload ?? true, messageName(m));
    };

    // Message keys: the document's own (3.x), else the message's name or title (2.x may have neither id).
    const keys = new WeakMap<object, string>();
    const keyNames = new NameAllocator();
    const keyOf = (m: MessageView): string => {
      const raw = m.identity;
      let k = keys.get(raw);
      if (k === undefined) keys.set(raw, (k = keyNames.allocate(m.id ?? messageName(m))));
      return k;
    };
    for (const m of [...channel.messages].sort((a, b) => cmp(a.id ?? messageName(a), b.id ?? messageName(b)))) keyOf(m);

    const ops = channel.operations;
    const receivedBy = new Map<string, OperationView[]>();
    const incomingMessages = new Map<string, MessageView>();
    const outgoingMessages = new Map<string, MessageView>();
    for (const op of ops) {
      for (const m of op.messages) {
        if (op.isReceive) {
          incomingMessages.set(keyOf(m), m);
          receivedBy.set(keyOf(m), [...(receivedBy.get(keyOf(m)) ?? []), op]);
        } else outgoingMessages.set(keyOf(m), m);
      }
      for (const m of op.replies ?? []) outgoingMessages.set(keyOf(m), m);
    }

    const base = (m: MessageView): MessageModel => ({
      key: keyOf(m),
      typeName: messageTypeName(m),
      tag: null,
      ...doc('summary', m.summary),
      ...doc('description', m.description),
    });
    const incomingSorted = [...incomingMessages.values()].sort((a, b) => cmp(keyOf(a), keyOf(b)));
    const incomingBase = incomingSorted.map(base);
    const resolve = (s: JsonSchema): JsonSchema => {
      let current = s;
      for (let name = refName(current); name !== undefined; name = refName(current)) current = registry.schemas[name] ?? true;
      return current;
    };
    const schemasOf = incomingBase.map((m) => registry.schemas[m.typeName] ?? true);

    let discriminator: string | null = options.discriminator ?? detectDiscriminator(schemasOf, resolve) ?? null;
    if (discriminator !== null) {
      for (const [i, m] of incomingBase.entries()) {
        const value = fixedValue(schemasOf[i]!, discriminator, resolve);
        if (value === undefined) {
          errors.push({ severity: 'error', ...locateMessage(key, m.key), message: `message '${m.key}' of channel '${key}' does not fix a value for discriminator '${discriminator}' (const, one-value enum or ^value$ pattern)` });
        }
        m.tag = value ?? null;
      }
      const byTag = new Map<string, MessageModel>();
      for (const m of incomingBase) {
        if (m.tag === null) continue;
        const other = byTag.get(m.tag);
        if (other !== undefined) {
          const a = locateMessage(key, other.key);
          errors.push({ severity: 'error', ...locateMessage(key, m.key), message: `messages '${other.key}' (${a.file}:${a.line}:${a.column}) and '${m.key}' of channel '${key}' both have ${discriminator} '${m.tag}': the server could not tell them apart` });
        } else byTag.set(m.tag, m);
      }
    } else if (incomingBase.length > 1) {
      warnings.push({ severity: 'warning', ...locateChannel(key), message: `channel '${key}' has no field that every incoming message fixes; frames are routed by trying each message schema (oneOf). Pass --discriminator FIELD to route by a field` });
    }

    const methods = new NameAllocator(['onConnect', 'onDisconnect']);
    const validators = new NameAllocator();
    const incoming: IncomingMessageModel[] = incomingBase
      .sort((a, b) => cmp(a.tag ?? a.key, b.tag ?? b.key))
      .map((m) => {
        const received = receivedBy.get(m.key) ?? [];
        const replies = new Set<string>();
        for (const op of received) for (const r of op.replies ?? []) replies.add(messageTypeName(r));
        const first = received[0];
        const handler: HandlerModel = {
          method: methods.allocate(camelCase(`on_${m.tag ?? m.key}`)),
          operations: received.map((op) => op.id ?? '').filter((id) => id !== '').sort(),
          ...doc('summary', first?.summary),
          ...doc('description', first?.description),
          replies: [...replies].sort(),
        };
        return { ...m, handler, validatorName: validators.allocate(`validate${m.typeName}`) };
      });

    const outgoing = [...outgoingMessages.values()].sort((a, b) => cmp(keyOf(a), keyOf(b))).map(base);
    const used = new Set([...incomingMessages.keys(), ...outgoingMessages.keys()]);
    const unused = [...channel.messages].filter((m) => !used.has(keyOf(m))).sort((a, b) => cmp(keyOf(a), keyOf(b))).map(base);
    if (unused.length > 0) {
      warnings.push({ severity: 'warning', ...locateChannel(key), message: `channel '${key}' lists ${unused.map((m) => `'${m.key}'`).join(', ')} but no operation sends or receives ${unused.length === 1 ? 'it' : 'them'}; typed only` });
    }
    const typeStem = channelTypes.allocate(pascalCase(channel.title ?? key, 'Channel'));
    channels.push({
      key,
      folder: folders.allocate(folderName(key)),
      typeName: typeStem,
      address: channelAddress(channel, isV2),
      ...doc('description', channel.description),
      params: channelParams(channel, channelAddress(channel, isV2)),
      discriminator: incoming.length > 0 ? discriminator : null,
      incoming,
      outgoing,
      unused,
    });
  }
  for (const problem of linkTopics(channels, document, locateChannel)) (problem.severity === 'error' ? errors : warnings).push(problem);
  if (errors.length > 0) throw new InputError(errors);

  return {
    model: { specPath: input.specPath, inputHash: input.inputHash, title: document.title, version: document.apiVersion, schemas: sortKeys(registry.schemas), channels },
    warnings,
  };

  function locateMessage(channelKey: string, messageKey: string): { file: string; line: number; column: number } {
    return isV2 ? locateChannel(channelKey) : locateChannel(channelKey, 'messages', messageKey);
  }
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
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]!]));
}
