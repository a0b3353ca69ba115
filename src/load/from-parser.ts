/** DocumentView over a document parsed by @asyncapi/parser. */
import type { AsyncAPIDocumentInterface, ChannelInterface, MessageInterface, OperationInterface } from '@asyncapi/parser';
import { parameterEnum, SCHEMA_ID, type DocumentView, type MessageView, type OperationView } from './document-view.js';

const text = (s: string | undefined): string | undefined => s;

export function viewFromParser(document: AsyncAPIDocumentInterface): DocumentView {
  const message = (m: MessageInterface): MessageView => {
    const json = m.json<{ name?: unknown; title?: unknown }>();
    return {
      // The parser numbers messages that have no id (`<anonymous-message-3>`): that is no name.
      id: /^<anonymous-message-\d+>$/.test(m.id() ?? '') ? undefined : (m.id() ?? undefined),
      identity: m.json<object>(),
      name: typeof json.name === 'string' ? json.name : undefined,
      title: typeof json.title === 'string' ? json.title : undefined,
      summary: text(m.summary()),
      description: text(m.description()),
      payload: schemaOf(m.payload()?.json()),
    };
  };
  const operation = (op: OperationInterface): OperationView => ({
    id: op.id() ?? undefined,
    isReceive: op.isReceive(),
    summary: text(op.summary()),
    description: text(op.description()),
    messages: op.messages().all().map(message),
    replies: op.reply()?.messages().all().map(message),
  });
  const operationsOf = channelOperations(document);
  return {
    version: document.version(),
    title: document.info().title(),
    apiVersion: document.info().version(),
    componentSchemas: componentSchemas(document),
    channels: document
      .channels()
      .all()
      .map((c) => {
        const json = c.json<Record<string, unknown>>();
        return {
          id: c.id(),
          address: c.address() ?? undefined,
          title: typeof json['title'] === 'string' ? json['title'] : undefined,
          description: text(c.description()),
          extensions: Object.fromEntries(Object.entries(json).filter(([k]) => k.startsWith('x-'))),
          parameters: c
            .parameters()
            .all()
            .map((p) => ({ id: p.id(), description: text(p.description()), enum: parameterEnum(p.json()) })),
          messages: c.messages().all().map(message),
          operations: (operationsOf?.(c) ?? c.operations().all()).map(operation),
        };
      }),
  };
}

/** The parser marks each channel object, and the channel an operation names, with this id. */
const UNIQUE_ID = 'x-parser-unique-object-id';

/**
 * A 3.x channel's operations, as the parser's `channel.operations()` gives them (the document's
 * operations whose channel carries the channel's unique id, in the document's order), found in one
 * pass over the operations rather than one per channel: that was quadratic, 345 ms of a
 * 1,000-channel document's run. Undefined for 2.x documents (their operations sit in the channel)
 * or a channel without the id, where the parser is asked.
 */
function channelOperations(document: AsyncAPIDocumentInterface): ((channel: ChannelInterface) => OperationInterface[] | undefined) | undefined {
  if (!document.version().startsWith('3.')) return undefined;
  const byChannel = new Map<unknown, OperationInterface[]>();
  for (const op of document.operations().all()) {
    const id = op.json<{ channel?: Record<string, unknown> }>().channel?.[UNIQUE_ID];
    if (id === undefined) return undefined;
    const list = byChannel.get(id) ?? [];
    list.push(op);
    byChannel.set(id, list);
  }
  return (channel) => {
    const id = channel.json<Record<string, unknown>>()[UNIQUE_ID];
    return id === undefined ? undefined : (byChannel.get(id) ?? []);
  };
}

/** A 3.x multi-format schema (`{ schemaFormat, schema }`) holds the schema, by then JSON Schema: the parser converted it. */
function schemaOf(payload: unknown): unknown {
  if (payload === null || typeof payload !== 'object') return payload;
  const p = payload as Record<string, unknown>;
  return typeof p['schemaFormat'] === 'string' && p['schema'] !== undefined ? p['schema'] : payload;
}

/**
 * Component schemas by their key. (The parser marks a component that has an `$id` with that `$id`;
 * the key is the document's own name for it, and `$id`s are often URLs, so the key wins.)
 */
function componentSchemas(document: AsyncAPIDocumentInterface): DocumentView['componentSchemas'] {
  const raw = document.json<{ components?: { schemas?: Record<string, unknown> } }>().components?.schemas ?? {};
  return Object.entries(raw)
    .filter((e): e is [string, Record<string, unknown>] => e[1] !== null && typeof e[1] === 'object')
    .map(([id, schema]) => {
      const underlying =
        schema['schemaFormat'] !== undefined && schema['schema'] !== null && typeof schema['schema'] === 'object'
          ? (schema['schema'] as Record<string, unknown>)
          : schema;
      underlying[SCHEMA_ID] = id;
      return { id, schema: underlying };
    });
}
