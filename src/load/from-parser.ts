/** DocumentView over a document parsed by @asyncapi/parser. */
import type { AsyncAPIDocumentInterface, MessageInterface, OperationInterface } from '@asyncapi/parser';
import type { DocumentView, MessageView, OperationView } from './document-view.js';

const text = (s: string | undefined): string | undefined => s;

export function viewFromParser(document: AsyncAPIDocumentInterface): DocumentView {
  const message = (m: MessageInterface): MessageView => {
    const json = m.json<{ name?: unknown; title?: unknown }>();
    return {
      id: m.id() ?? undefined,
      identity: m.json<object>(),
      name: typeof json.name === 'string' ? json.name : undefined,
      title: typeof json.title === 'string' ? json.title : undefined,
      summary: text(m.summary()),
      description: text(m.description()),
      payload: m.payload()?.json(),
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
  return {
    version: document.version(),
    title: document.info().title(),
    apiVersion: document.info().version(),
    componentSchemas: document.components().schemas().all().map((s) => ({ id: s.id(), schema: s.json() })),
    channels: document.channels().all().map((c) => {
      const json = c.json<Record<string, unknown>>();
      return {
        id: c.id(),
        address: c.address() ?? undefined,
        title: typeof json['title'] === 'string' ? json['title'] : undefined,
        description: text(c.description()),
        extensions: Object.fromEntries(Object.entries(json).filter(([k]) => k.startsWith('x-'))),
        parameters: c.parameters().all().map((p) => ({ id: p.id(), description: text(p.description()) })),
        messages: c.messages().all().map(message),
        operations: c.operations().all().map(operation),
      };
    }),
  };
}
