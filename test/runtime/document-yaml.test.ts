/**
 * GET /asyncapi.yaml serves documentYaml's text, made from the JSON the server serves: YAML 1.2 readers (the yaml package, js-yaml) and
 * a YAML 1.1 reader read back the very document GET /asyncapi.json serves, with the exceptions
 * each test names.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load as jsYamlLoad } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { documentYaml } from '../../src/runtime/server/http.js';
import { corpusDocs, SHARED } from '../helpers/corpus.js';

/** Strings and keys that a careless YAML writer gets wrong, each as a value and as a key. */
const AWKWARD = [
  'yes',
  'no',
  'n',
  'Y',
  'on',
  'off',
  'true',
  'null',
  '~',
  '',
  ' ',
  ' leading',
  'trailing ',
  '2020-01-01',
  '2014-11-07T08:19:28Z',
  '0x1F',
  '0o17',
  '017',
  '1e3',
  '.5',
  '-.inf',
  '.nan',
  '1_000',
  '12:30:00',
  '<<',
  '?',
  '-',
  '- item',
  '#not a comment',
  'a # b',
  'key: value',
  '@at',
  '`tick',
  '%percent',
  '!tag',
  '&anchor',
  '*alias',
  '|',
  '>',
  '"double"',
  "'single'",
  '{flow}',
  '[seq]',
  'multi\nline',
  'multi\nline\n',
  '\ttab',
  'line\u2028separator',
  'para\u2029separator',
  'nel\u0085',
  'bom\ufeff',
  'bell\u0007',
  'ünïcödé',
  '😀',
  '\\backslash',
  'x'.repeat(5000),
];

function awkwardDocument(strings: readonly string[] = AWKWARD): Record<string, unknown> {
  return {
    asyncapi: '3.0.0',
    values: strings,
    keys: Object.fromEntries(strings.map((s, i) => [s, i])),
    numbers: [0, 1, -1, 1.5, 1e21, 2 ** 53, -0.25],
    nested: { empty: {}, list: [], deep: [[{ a: [{}] }]], nothing: null, flags: [true, false] },
  };
}

/** The document as YAML 1.2 readers read documentYaml's text (the yaml package, js-yaml), and as a YAML 1.1 reader does. */
function readings(document: unknown): { json: unknown; yaml12: unknown; jsYaml: unknown; yaml11: unknown } {
  const text = documentYaml(document);
  return { json: JSON.parse(JSON.stringify(document)), yaml12: parse(text), jsYaml: jsYamlLoad(text), yaml11: parse(text, { version: '1.1' }) };
}

describe('documentYaml', () => {
  it('reads back as the same document, in YAML 1.2 and 1.1, for awkward strings and keys', () => {
    const { json, yaml12, jsYaml, yaml11 } = readings(awkwardDocument());
    expect(yaml12).toEqual(json);
    expect(jsYaml).toEqual(json);
    // YAML 1.1 (PyYAML, say) reads `yes`, `n`, `on`, dates, `12:30:00` and `<<` as other than strings:
    // those are quoted. js-yaml leaves a digit string with underscores plain, which 1.1 reads as a number.
    const { json: json11, yaml11: read11 } = readings(awkwardDocument(AWKWARD.filter((s) => s !== '1_000')));
    expect(read11).toEqual(json11);
    expect((yaml11 as { values: unknown[] }).values[AWKWARD.indexOf('1_000')]).toBe(1000);
  });

  it('reads back as the same document for every corpus document', () => {
    const docs = corpusDocs();
    expect(docs.length).toBeGreaterThan(50);
    for (const doc of docs) {
      const text = readFileSync(path.join(SHARED, doc.file), 'utf8');
      let document: unknown;
      try {
        document = parse(text, { maxAliasCount: -1 });
      } catch {
        continue; // (a document the corpus keeps for being unreadable)
      }
      // (The yaml package's YAML 1.1 schema takes `E1234` for a float, as the 1.1 spec does not: not asked here.)
      const { json, yaml12, jsYaml } = readings(document);
      expect(yaml12).toEqual(json);
      expect(jsYaml).toEqual(json);
    }
  });

  it('reads back multi-line strings with leading and trailing blanks, as js-yaml reads them', () => {
    // Written as indented blocks (`|2-`), which js-yaml reads back. The yaml package and the parser's
    // @stoplight/yaml read some such strings otherwise (`"\n "` as ""), as they did from the yaml
    // package's own text: of all 1,365 strings of up to 5 of ' ', '\n', '\t' and 'a', 59 and 219 now
    // against 58 and 471 before (a review's count, not repeated here).
    const edges = ['\n ', ' a\n ', '\n\t', '  \n  x\n  ', '\n\n', ' \n'];
    const document = { values: edges, keyed: Object.fromEntries(edges.map((s, i) => [`k${i}`, s])) };
    expect(jsYamlLoad(documentYaml(document))).toEqual(document);
  });

  it('writes one line per scalar: nothing folded, no anchors for repeated objects', () => {
    const shared = { type: 'string', description: 'd '.repeat(200) };
    const text = documentYaml({ a: shared, b: shared });
    expect(text).not.toMatch(/[&*]/); // neither an anchor nor an alias (js-yaml's are &ref_0, *ref_0)
    expect(text.split('\n').filter((l) => l.includes('description')).length).toBe(2);
    expect(text.split('\n').every((l) => l.length < 450)).toBe(true);
  });
});
