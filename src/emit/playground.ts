/**
 * generated/playground.ts: the page `npm start` serves at GET / (DESIGN §11). Static HTML and
 * plain JavaScript made from the document: every channel with its parameters and messages (each
 * with an example built from its schema), the precompiled validators for the send box (each
 * message's once, however many channels take it), and a CSP hash for the one inline script.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ApiModel, ChannelModel } from '../model/types.js';
import type { GeneratedFile } from './generated-file.js';
import { header } from './header.js';
import { exampleOf } from './playground-example.js';
import { receiveNaming } from './client-files.js';
import { render } from './templates.js';
import { messageValidator } from './validators.js';

const require = createRequire(import.meta.url);
const APP = new URL('../../templates/playground-app.js.hbs', import.meta.url);

export function playgroundFile(model: ApiModel, description: string): GeneratedFile {
  const channels = model.channels.filter((c) => c.topicOf === undefined);
  const data = {
    title: model.title,
    version: model.version,
    description,
    channels: channels.map((c) => channelData(model, c)),
  };
  const validated = [...channels, ...model.channels.filter((c) => c.topicOf !== undefined && channels.some((p) => p.key === c.topicOf!.parent))];
  // Each message's validator once (many channels take the same messages), then each channel's by name.
  const messages = new Map<string, string>(); // message type -> the first channel that takes it (named in a compile error)
  for (const c of validated) for (const m of c.incoming) if (!messages.has(m.typeName)) messages.set(m.typeName, c.key);
  const validators = [
    'var MESSAGES = (function (ajvRuntime) {',
    '  var messages = {};',
    ...[...messages].map(([t, key]) => `  messages[${inScript(JSON.stringify(t))}] = ${inScript(messageValidator(key, t, model.schemas, model.specPath))};`),
    '  return messages;',
    '})(AJV_RUNTIME);',
    ...validated
      .filter((c) => c.incoming.length > 0)
      .map(
        (c) =>
          `VALIDATORS[${inScript(JSON.stringify(c.key))}] = { ${c.incoming.map((m) => `${JSON.stringify(m.validatorName)}: MESSAGES[${inScript(JSON.stringify(m.typeName))}]`).join(', ')} };`,
      ),
  ];
  const script = [
    `var DATA = ${JSON.stringify(data)
      .replace(/</g, '\\u003c')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029')};`,
    `var AJV_RUNTIME = ${ajvShim()};`,
    'var VALIDATORS = {};',
    ...validators,
    readFileSync(APP, 'utf8').trimEnd(),
  ].join('\n');
  const html = render('playground.html', { title: escapeHtml(model.title), script });
  // Hash the script as the page holds it (rendering tidies blank lines).
  const inline = html.slice(html.indexOf('<script>') + '<script>'.length, html.lastIndexOf('</script>'));
  const hash = createHash('sha256').update(inline).digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'`;
  const content = `${header(model)}
/** The playground page (GET /): static HTML and JavaScript generated from the document. */
export const playgroundHtml = ${JSON.stringify(html)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')};

/** The Content-Security-Policy the page is served with: its one inline script, by hash. */
export const playgroundCsp = ${JSON.stringify(csp)};
`;
  return { kind: 'generated', path: 'playground.ts', content };
}

function channelData(model: ApiModel, channel: ChannelModel) {
  const topics = model.channels.filter((c) => c.topicOf?.parent === channel.key);
  return {
    ...messagesData(model, channel, {}),
    address: channel.address,
    params: channel.params.map((p) => ({ name: p.name, description: p.description ?? '', ...(p.enum !== undefined ? { enum: p.enum } : {}) })),
    topics: topics.map((t) => {
      const pattern = t.topicOf!.pattern || t.topicOf!.name;
      // The example's topic name: each parameter stands for itself (`room:{room_name}` -> `room:room_name`).
      const name = pattern.replace(/\{([^}]+)\}/g, '$1');
      return { ...messagesData(model, t, { topic: name }), name: t.topicOf!.name, pattern, example: name };
    }),
  };
}

/** A channel's or topic's messages, each with an example (`envelope` keys added to those sent). */
function messagesData(model: ApiModel, channel: ChannelModel, envelope: Record<string, string>) {
  const { names } = receiveNaming(model, channel);
  const example = (typeName: string): unknown => exampleOf(model.schemas[typeName] ?? true, model.schemas, [typeName]);
  const withEnvelope = (value: unknown): unknown => (value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, ...envelope } : value);
  return {
    key: channel.key,
    description: channel.description ?? '',
    sendField: channel.discriminator,
    send: channel.incoming.map((m) => ({
      key: m.key,
      tag: m.tag,
      summary: m.handler.summary ?? m.summary ?? '',
      description: m.handler.description ?? m.description ?? '',
      validator: m.validatorName,
      example: withEnvelope(example(m.typeName)),
    })),
    receive: channel.outgoing.map((m) => ({
      key: names.get(m) ?? m.key,
      summary: m.summary ?? '',
      description: m.description ?? '',
      example: example(m.typeName),
    })),
  };
}

/**
 * ajv's run-time helpers for the page: string length and deep equality as ajv has them; formats
 * are not checked in the page (the server checks them).
 */
function ajvShim(): string {
  const ucs2length = String((require('ajv/dist/runtime/ucs2length') as { default: unknown }).default);
  const equal = String(require('fast-deep-equal') as unknown);
  const anyFormat = '(function () { var f = function () { return true; }; f.test = f; f.validate = f; return f; })()';
  return `{ ucs2length: ${ucs2length}, equal: ${equal}, formats: new Proxy({}, { get: function () { return ${anyFormat}; } }), uri: null, validation_error: Error }`;
}

/** Text that cannot end the inline <script> early or open an HTML comment in it. */
function inScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
