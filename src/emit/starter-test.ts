/**
 * The starter test of a channel (DESIGN §14): consumer.test.ts beside the consumer.ts stub, created
 * with it and the user's from then on. A handler whose reply the document fixes (ping -> pong) gets
 * a real test; the others a test that shows the pattern and fails until the handler is written.
 */
import type { ApiModel, ChannelModel, IncomingMessageModel } from '../model/types.js';
import { isIdentifier } from '../model/names.js';
import { clientNames, receiveNaming } from './client-files.js';
import { stringLiteral } from './escape.js';
import type { StarterFile } from './generated-file.js';
import { exampleOf } from './playground-example.js';
import { fixedReply } from './stub-methods.js';
import { render } from './templates.js';

export function starterTest(model: ApiModel, channel: ChannelModel): StarterFile {
  const { connectFn } = clientNames(channel);
  const { names } = receiveNaming(model, channel);
  const depth = channel.folder.split('/').length;
  const params = channel.params.map((p) => `${isIdentifier(p.name) ? p.name : stringLiteral(p.name)}: ${stringLiteral(p.enum?.[0] ?? 'test')}`);
  const tests = channel.incoming.map((m) => testOf(model, channel, m, names));
  const content = render('consumer.test.ts', {
    specPath: model.specPath.replace(/\n/g, ' '),
    serverImport: `${'../'.repeat(depth)}server.js`,
    connectFn,
    connectOptions: params.length === 0 ? '' : `, { params: { ${params.join(', ')} } }`,
    title: stringLiteral(`channel ${channel.key} (${channel.address})`),
    tests:
      tests.length > 0 ? tests : [{ title: stringLiteral('connects'), method: '', message: false, fixed: false, replies: false, quiet: false, open: true }],
  });
  return { kind: 'starter', path: `${channel.folder}/consumer.test.ts`, content, companion: `${channel.folder}/consumer.ts` };
}

function testOf(model: ApiModel, channel: ChannelModel, m: IncomingMessageModel, names: Map<{ typeName: string }, string>) {
  const label = m.tag ?? m.key;
  const example = exampleOf(model.schemas[m.typeName] ?? true, model.schemas, [m.typeName]);
  // The routing field carries the tag, whatever the schema's example says (a pattern gives none).
  if (channel.discriminator !== null && m.tag !== null && example !== null && typeof example === 'object')
    (example as Record<string, unknown>)[channel.discriminator] = m.tag;
  const message = tsLiteral(example);
  const fixed = fixedReply(m, model.schemas);
  const replyNames = channel.outgoing.filter((o) => m.handler.replies.includes(o.typeName)).map((o) => names.get(o) ?? o.key);
  const view = { method: m.handler.method, message, fixed: false, replies: false, quiet: false, open: false };
  if (fixed !== undefined) return { ...view, title: stringLiteral(`${label}: ${m.handler.method} answers ${replyNames[0] ?? 'its reply'}`), fixed };
  if (replyNames.length > 0) {
    const first = replyNames[0]!;
    return { ...view, title: stringLiteral(`${label}: ${m.handler.method} answers ${first}`), replies: stringLiteral(first) };
  }
  return { ...view, title: stringLiteral(`${label}: ${m.handler.method} takes it without an error`), quiet: true };
}

/** A TypeScript literal for a JSON value, laid out as a person writes one: `{ action: 'ping', payload: null }`. */
function tsLiteral(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? stringLiteral(value) : (JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${isIdentifier(k) ? k : stringLiteral(k)}: ${tsLiteral(v)}`).join(', ')} }`;
}
