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
    anyMessage: tests.length > 0,
    tests:
      tests.length > 0
        ? tests
        : [{ title: stringLiteral('connects'), method: '', message: false, type: '', fixed: false, replies: false, quiet: false, open: true }],
  });
  return { kind: 'starter', path: `${channel.folder}/consumer.test.ts`, content, companion: `${channel.folder}/consumer.ts` };
}

function testOf(model: ApiModel, channel: ChannelModel, m: IncomingMessageModel, names: Map<{ typeName: string }, string>) {
  const label = m.tag ?? m.key;
  const example = exampleOf(model.schemas[m.typeName] ?? true, model.schemas, [m.typeName]);
  // The routing field carries the tag, whatever the schema's example says (a pattern gives none).
  if (channel.discriminator !== null && m.tag !== null && example !== null && typeof example === 'object')
    (example as Record<string, unknown>)[channel.discriminator] = m.tag;
  const message = tsLiteral(example, '    ');
  const fixed = fixedReply(m, model.schemas);
  const replyNames = channel.outgoing.filter((o) => m.handler.replies.includes(o.typeName)).map((o) => names.get(o) ?? o.key);
  const view = { method: m.handler.method, message, type: m.typeName, fixed: false, replies: false, quiet: false, open: false };
  if (fixed !== undefined) return { ...view, title: stringLiteral(`${label}: ${m.handler.method} answers ${replyNames[0] ?? 'its reply'}`), fixed };
  if (replyNames.length > 0) {
    const first = replyNames[0]!;
    return { ...view, title: stringLiteral(`${label}: ${m.handler.method} answers ${first}`), replies: stringLiteral(first) };
  }
  return { ...view, title: stringLiteral(`${label}: ${m.handler.method} takes it without an error`), quiet: true };
}

/**
 * A TypeScript literal for a JSON value, laid out as a person writes one: `{ action: 'ping', payload: null }`
 * on one line when it is short, else one member a line, indented from `indent`.
 */
function tsLiteral(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? stringLiteral(value) : (JSON.stringify(value) ?? 'null');
  const inner = `${indent}  `;
  const parts = Array.isArray(value)
    ? value.map((v) => tsLiteral(v, inner))
    : Object.entries(value as Record<string, unknown>).map(([k, v]) => `${isIdentifier(k) ? k : stringLiteral(k)}: ${tsLiteral(v, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{ ', ' }'];
  if (parts.length === 0) return Array.isArray(value) ? '[]' : '{}';
  const flat = `${open}${parts.join(', ')}${close}`;
  if (flat.length <= 100 && !flat.includes('\n')) return flat;
  return `${open.trim()}\n${parts.map((p) => `${inner}${p},`).join('\n')}\n${indent}${close.trim()}`;
}
