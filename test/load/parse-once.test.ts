/**
 * The spec's text is parsed once per load (source-files.ts withOurParse): source-files.ts reads it
 * with the parser's own YAML reader and the parser's Spectral Document takes that reading, instead
 * of parsing the same text again. A referenced file is still read by the parser's resolver itself.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDocument } from '../../src/load/load-document.js';
import { viewFromParser } from '../../src/load/from-parser.js';
import { scratch, write } from '../helpers/cli.js';

const SPEC = `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  chat:
    address: /ws/chat
    messages:
      say: { $ref: './messages.yaml#/say' }
operations:
  say: { action: receive, channel: { $ref: '#/channels/chat' }, messages: [{ $ref: '#/channels/chat/messages/say' }] }
`;
const MESSAGES = `say: { payload: { type: object, properties: { action: { const: say } } } }\n`;

/** The YAML reader every parse of a text goes through, as the parser's reader module resolves it. */
const fromParsers = createRequire(createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser')).resolve('@stoplight/spectral-parsers'));
const reader = fromParsers('@stoplight/yaml') as { parseWithPointers: (text: string, ...rest: unknown[]) => unknown };

describe('reading the spec', () => {
  it('parses its text once for us and the parser, and the parser reads what it always read', async () => {
    const dir = scratch();
    write(path.join(dir, 'spec.yaml'), SPEC);
    write(path.join(dir, 'messages.yaml'), MESSAGES);
    const parses: string[] = [];
    const parse = reader.parseWithPointers;
    reader.parseWithPointers = (text, ...rest) => {
      parses.push(text);
      return parse(text, ...rest);
    };
    let loaded: Awaited<ReturnType<typeof loadDocument>>;
    try {
      loaded = await loadDocument('spec.yaml', dir);
    } finally {
      reader.parseWithPointers = parse;
    }
    expect(parses.filter((t) => t === SPEC)).toHaveLength(1);
    // our read of the referenced file, and the resolver's own
    expect(parses.filter((t) => t === MESSAGES)).toHaveLength(2);
    const view = viewFromParser(loaded.document);
    expect(view.channels.map((c) => [c.id, c.messages.map((m) => m.id)])).toEqual([['chat', ['say']]]);
    expect(loaded.files[0]!.locate(['channels', 'chat', 'messages', 'say'])).toEqual({ line: 7, column: 7 });
    // Handed for that one call: the parser's reader parses the same text afresh afterwards.
    const yaml = (fromParsers('@stoplight/spectral-parsers') as { Yaml: { parse: (text: string) => { data: unknown } } }).Yaml;
    const again = yaml.parse(SPEC);
    expect(again.data).not.toBe(loaded.files[0]!.data);
    expect(again.data).toEqual(loaded.files[0]!.data);
  });
});
