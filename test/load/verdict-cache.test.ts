/**
 * The kept verdict (src/load/verdict-cache.ts) stands in for the parser only when it is the parser's:
 * a run from it generates the very files and warnings a run through the parser does, and any change
 * to what the verdict depends on sends the run back to the parser.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGraph, encodeGraph, Uncacheable, type OrderedObjects } from '../../src/load/graph-codec.js';
import { knownSourceFile, positionsOf, readSourceFile } from '../../src/load/source-files.js';
import { recallVerdict } from '../../src/load/verdict-cache.js';
import { runPipeline, type PipelineResult } from '../../src/pipeline.js';
import { ROOT, scratch } from '../helpers/cli.js';

const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
const fromYaml = createRequire(createRequire(fromParser.resolve('@stoplight/spectral-parsers')).resolve('@stoplight/yaml'));
const ordered = fromYaml('@stoplight/ordered-object-literal') as OrderedObjects;
const { parseYaml } = fromParser('@stoplight/spectral-parsers') as { parseYaml: (text: string) => { data: unknown } };

describe('graph-codec', () => {
  it("keeps identity, cycles, the YAML reader's key order and the numbers JSON loses", () => {
    const shared = { type: 'string' };
    const node: Record<string, unknown> = { a: shared, b: shared, nan: NaN, inf: -Infinity, zero: -0, none: undefined };
    node['self'] = node;
    Object.defineProperty(node, '__proto__', { value: 1, enumerable: true, writable: true, configurable: true });
    const yaml = parseYaml('b: 1\n"1": 2\na: [x, {"2": y, c: z}]\n').data;
    const back = decodeGraph(JSON.parse(JSON.stringify(encodeGraph({ node, yaml }, ordered))), ordered) as {
      node: Record<string, unknown>;
      yaml: Record<string, unknown>;
    };
    expect(back.node['a']).toBe(back.node['b']);
    expect(back.node['self']).toBe(back.node);
    expect(Object.is(back.node['zero'], -0) && Number.isNaN(back.node['nan']) && back.node['inf'] === -Infinity).toBe(true);
    expect('none' in back.node && back.node['none'] === undefined).toBe(true);
    expect(Object.getPrototypeOf(back.node)).toBe(Object.prototype);
    expect(Object.keys(back.node)).toEqual(['a', 'b', 'nan', 'inf', 'zero', 'none', 'self', '__proto__']);
    // A plain object would list "1" first; the parser's reader, and the decoded graph, keep the document's order.
    expect(Object.keys(back.yaml)).toEqual(['b', '1', 'a']);
    expect(Object.keys((back.yaml['a'] as unknown[])[1] as object)).toEqual(['2', 'c']);
    expect(JSON.stringify(back.yaml)).toBe(JSON.stringify(yaml));
    (back.yaml as Record<string, unknown>)['0'] = 'later';
    expect(Object.keys(back.yaml)).toEqual(['b', '1', 'a', '0']);
    // What the parser's resolver froze (its reader's ordered objects too) is plain data all the same, decoded unfrozen.
    const read = Object.freeze(parseYaml('b: [1, {c: 2}]\n"1": 2\n').data as object);
    const thawed = decodeGraph(encodeGraph(Object.freeze({ read, list: Object.freeze([1, read]) }), ordered), ordered) as { read: object; list: unknown[] };
    expect(JSON.stringify(thawed.read)).toBe(JSON.stringify(read));
    expect(Object.keys(thawed.read)).toEqual(['b', '1']);
    expect(thawed.list[1]).toBe(thawed.read);
    expect([thawed, thawed.read, thawed.list].some((o) => Object.isFrozen(o))).toBe(false);
  });

  it('refuses what is not plain data', () => {
    for (const value of [
      new Date(0),
      () => 1,
      { [Symbol('s')]: 1 },
      new (class Point {})(),
      Object.defineProperty({}, 'x', { get: () => 1, enumerable: true }),
      new Array<number>(3).fill(1, 0, 1), // a sparse array: holes at 1 and 2
      10n,
    ]) {
      expect(() => encodeGraph({ value }, ordered)).toThrow(Uncacheable);
    }
  });
});

describe('positions kept with a verdict', () => {
  it('are where locate finds each node, and anything else is found by parsing again', () => {
    const dir = scratch();
    const file = path.join(dir, 'spec.yaml');
    writeFileSync(
      file,
      [
        'base: &base',
        '  a: 1',
        '  b: [x, y]',
        'channels:',
        '  one:',
        '    <<: *base',
        '    messages:',
        '      m: { payload: { type: string } }',
        '      m: { payload: { type: integer } }',
        '  two: *base',
        '  "3": [ { k: v }, null ]',
        'deep: { a: { b: { c: { d: { e: { f: 1 } } } } } }',
        '',
      ].join('\n'),
    );
    const parsed = readSourceFile(file, dir);
    const positions = positionsOf(parsed, 5)!;
    const known = knownSourceFile(parsed.absPath, parsed.displayPath, parsed.text, parsed.data, positions);
    const paths: (string | number)[][] = [[]];
    const walk = (node: unknown, at: (string | number)[]) => {
      if (node === null || typeof node !== 'object' || at.length > 7) return;
      for (const [k, v] of Object.entries(node)) {
        paths.push([...at, Array.isArray(node) ? Number(k) : k]);
        walk(v, [...at, Array.isArray(node) ? Number(k) : k]);
      }
    };
    walk(parsed.data, []);
    paths.push(
      ['channels', 'one', 'messages', 'm', 'payload', 'type'],
      ['channels', 'one', 'a'],
      ['channels', 'one', '<<', 'a'],
      ['channels', 'two', 'b', '01'],
      ['channels', '3', 1],
      ['channels', '3', 1, 'k'],
      ['nowhere', 'at', 'all'],
      ['deep', 'a', 'b', 'c', 'd', 'e', 'f'],
    );
    expect(Object.keys(positions).length).toBeGreaterThan(15);
    // Answered from the positions themselves (the last of two duplicate keys, as the parser keeps it):
    expect(positions[JSON.stringify(['channels', 'one', 'messages', 'm'])]).toEqual([9, 7]);
    expect(parsed.locate(['channels', 'one', 'messages', 'm'])).toEqual({ line: 9, column: 7 });
    for (const at of paths) expect({ at, ...known.locate(at) }).toEqual({ at, ...parsed.locate(at) });
  });
});

/** A folder with node_modules (where the cache lives) and a copy of `files`. */
function project(files: [string, string][]): string {
  const dir = scratch();
  mkdirSync(path.join(dir, 'node_modules'));
  for (const [from, to] of files) {
    mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    writeFileSync(path.join(dir, to), readFileSync(path.join(from), 'utf8'));
  }
  return dir;
}

const generate = (spec: string, cwd: string, verdictCache = true) => runPipeline({ spec, cwd, out: 'out', verdictCache });
const outcome = (r: PipelineResult) => ({ files: r.files, warnings: r.warnings, inputs: r.inputs, inputHash: r.model.inputHash });

describe('the kept verdict', () => {
  const documents: [string, [string, string][]][] = [
    ['system spec', [[path.join(ROOT, 'specs/system.yaml'), 'spec.yaml']]],
    [
      'room chat, with a referenced file',
      [
        [path.join(ROOT, 'test/fixtures/room-chat/spec.yaml'), 'spec.yaml'],
        [path.join(ROOT, 'test/fixtures/room-chat/schemas/common.yaml'), 'schemas/common.yaml'],
      ],
    ],
    ['hostile names', [[path.join(ROOT, 'test/fixtures/hostile/spec.yaml'), 'spec.yaml']]],
    ['no discriminator (warnings with positions)', [[path.join(ROOT, 'test/fixtures/no-discriminator/spec.yaml'), 'spec.yaml']]],
  ];
  for (const [name, files] of documents) {
    it(`generates what the parser's reading generates: ${name}`, async () => {
      const dir = project(files);
      expect(recallVerdict('spec.yaml', dir)).toBeUndefined();
      const parsed = await generate('spec.yaml', dir); // through the parser, and kept
      expect(recallVerdict('spec.yaml', dir)).toBeDefined();
      const kept = await generate('spec.yaml', dir);
      expect(outcome(kept)).toEqual(outcome(parsed));
      if (name.startsWith('no discriminator')) expect(kept.warnings.filter((w) => w.line > 0).length).toBeGreaterThan(0);
    }, 60_000);
  }

  it('is not used once a referenced file changes, nor when its note is damaged', async () => {
    const dir = project(documents[1]![1]);
    await generate('spec.yaml', dir);
    expect(recallVerdict('spec.yaml', dir)).toBeDefined();
    const common = path.join(dir, 'schemas/common.yaml');
    writeFileSync(common, readFileSync(common, 'utf8').replace(/ping/g, 'pingx'));
    expect(recallVerdict('spec.yaml', dir)).toBeUndefined();
    const edited = await generate('spec.yaml', dir);
    expect(recallVerdict('spec.yaml', dir)).toBeDefined();
    expect(outcome(await generate('spec.yaml', dir))).toEqual(outcome(edited));

    const notes = path.join(dir, 'node_modules/.cache/chanx-gen-verdicts');
    const [note] = readdirSync(notes);
    writeFileSync(path.join(notes, note!), readFileSync(path.join(notes, note!), 'utf8').slice(0, 1000));
    expect(recallVerdict('spec.yaml', dir)).toBeUndefined();
    expect(outcome(await generate('spec.yaml', dir))).toEqual(outcome(edited));
  });

  it('keeps nothing for a refused document, and nothing without node_modules', async () => {
    const dir = project([[path.join(ROOT, 'specs/system.yaml'), 'spec.yaml']]);
    writeFileSync(path.join(dir, 'spec.yaml'), 'asyncapi: 3.0.0\ninfo: {}\n');
    await expect(generate('spec.yaml', dir)).rejects.toThrow();
    expect(readdirSync(path.join(dir, 'node_modules'))).toEqual([]);
    const bare = scratch(['specs']);
    await generate('specs/system.yaml', bare);
    expect(readdirSync(bare)).toEqual(['specs']);
    rmSync(bare, { recursive: true, force: true });
  });
});
