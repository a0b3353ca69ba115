/**
 * src/code-cache.ts, Node 20's stand-in for module.enableCompileCache: a CommonJS file of
 * node_modules run from V8's cached code behaves as Node's own loading of it, and the cache is
 * written once, read after, and mended when an entry or the whole file is damaged; packs no run has
 * used for 30 days are deleted when another is written; the bin names it with the interrupt budget
 * it runs with, and prints nothing on stderr when it succeeds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, scratch, snapshotTree } from '../helpers/cli.js';
import { readPack, writePack } from '../../src/code-cache.js';

/** A package whose files use what Node gives a CommonJS module, and a probe that prints what they saw. */
function fixture(): string {
  const dir = scratch();
  const pkg = path.join(dir, 'node_modules/fx');
  mkdirSync(path.join(pkg, 'sub'), { recursive: true });
  const files: Record<string, string> = {
    'package.json': '{"name":"fx","version":"1.0.0"}',
    'index.js': [
      "const other = require('./sub/other');",
      'exports.self = this === module.exports;',
      'exports.where = [path(__filename), path(__dirname)];',
      "exports.resolved = path(require.resolve('./sub/other'));",
      "exports.paths = Array.isArray(require.resolve.paths('anything'));",
      'exports.children = module.children.map((c) => path(c.id));',
      'exports.parent = path(other.parent);',
      'exports.cached = Object.keys(require.cache).filter((k) => k.includes("fx")).map(path).sort();',
      'exports.main = require.main === process.mainModule;',
      'exports.value = other.value;',
      "exports.firstLine = require('./one-line').where;",
      'try { require.resolve(5); } catch (e) { exports.badRequest = e.code; }',
      "exports.stack = new Error('x').stack.split('\\n')[1].replace(/.*\\(|\\)$/g, '').replace(/.*node_modules/, '');",
      "for (const name of ['./esm-syntax', './hashbang', './broken', './dynamic']) {",
      '  try { exports[name] = JSON.stringify(require(name)); } catch (e) { exports[name] = e.code ?? e.name; }',
      '}',
      "function path(p) { return p.slice(p.indexOf('node_modules')); }",
    ].join('\n'),
    'sub/other.js': "'use strict';\nexports.parent = module.parent.id;\nexports.strict = (function () { return this === undefined; })();\nexports.value = 42;",
    'one-line.js': "exports.where = new Error('x').stack.split('\\n')[1].replace(/.*node_modules/, '');",
    'esm-syntax.js': 'export const x = 1;',
    'hashbang.js': '#!/usr/bin/env node\nexports.y = 2;',
    'broken.js': 'exports.z = ;',
    'dynamic.js': "exports.later = import('node:path').then((m) => typeof m.join);",
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(pkg, name), text);
  writeFileSync(
    path.join(dir, 'probe.mjs'),
    `import { createRequire } from 'node:module';\n` +
      `const { enableCodeCache } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/code-cache.js')).href)});\n` +
      `const on = enableCodeCache(process.env);\n` +
      `const fx = createRequire(import.meta.url)('fx');\n` +
      `const later = await createRequire(import.meta.url)('fx/dynamic.js').later;\n` +
      `console.log(JSON.stringify({ ...fx, later, on }));\n`,
  );
  return dir;
}

function probe(dir: string, env: Record<string, string>): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['probe.mjs'], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, unknown>;
}

/** The pack files in `cache`. */
const packs = (cache: string): string[] => readdirSync(cache).map((name) => path.join(cache, name));

/** The one pack's entries (file: base64 of V8's bytes). */
function entries(cache: string): Map<string, string> {
  const [file, ...others] = packs(cache);
  expect(others).toEqual([]); // one file (of this V8 and these flags), nothing left half-written
  const pack = readPack(file!);
  expect(pack.size).toBeGreaterThan(0); // (an unreadable pack reads as empty)
  return new Map([...pack].map(([name, entry]) => [path.basename(name), Buffer.from(entry.data).toString('base64')]));
}

/** V8's cache tag in a node started with `flags` (a pack is named by it). */
const tagWith = (flags: string[]): number =>
  Number(execFileSync(process.execPath, [...flags, '-p', "require('node:v8').cachedDataVersionTag()"], { encoding: 'utf8' }).trim());

/** The pack file's modification time. */
const stamp = (cache: string): number => statSync(packs(cache)[0]!).mtimeMs;

describe.skipIf(typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function')('code cache (Node 20)', () => {
  it('runs a package from cached code as Node runs it, writes the cache once, and mends a damaged entry or file', () => {
    const dir = fixture();
    const cache = path.join(dir, 'cache');
    const plain = probe(dir, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(plain['on']).toBe(false);
    expect(plain['./esm-syntax']).not.toBe(undefined);
    expect(plain['./broken']).toBe('SyntaxError');

    const cold = probe(dir, { NODE_COMPILE_CACHE: cache });
    expect(cold).toEqual({ ...plain, on: true });
    // index.js, sub/other.js and one-line.js; not the files Node compiles itself (hashbang, import(), not a script).
    const written = entries(cache);
    expect([...written.keys()].sort()).toEqual(['index.js', 'one-line.js', 'other.js']);
    const once = stamp(cache);

    const warm = probe(dir, { NODE_COMPILE_CACHE: cache });
    expect(warm).toEqual({ ...plain, on: true });
    expect(stamp(cache)).toBe(once); // every entry was taken as it was: nothing written again

    // An entry V8 refuses (here: another file's code, under this file's hash) is compiled afresh and replaced; the others are kept.
    const file = packs(cache)[0]!;
    const pack = readPack(file);
    const index = [...pack.keys()].find((name) => name.endsWith('index.js'))!;
    const other = [...pack.keys()].find((name) => name.endsWith('other.js'))!;
    pack.set(other, { sha: pack.get(other)!.sha, data: pack.get(index)!.data });
    writePack(file, pack);
    expect(probe(dir, { NODE_COMPILE_CACHE: cache })).toEqual({ ...plain, on: true });
    const mended = entries(cache);
    expect(mended.get('other.js')).not.toBe(written.get('index.js')); // V8's own code for it again
    expect(mended.get('index.js')).toBe(written.get('index.js'));
    const names = [...written.keys()].sort();

    // A pack whose bytes are not what was written (one bit) is no cache: the run is the same, the file made anew.
    const bytes = readFileSync(file);
    bytes[bytes.length - 100]! ^= 1;
    writeFileSync(file, bytes);
    let remade = stamp(cache);
    expect(probe(dir, { NODE_COMPILE_CACHE: cache })).toEqual({ ...plain, on: true });
    expect([...entries(cache).keys()].sort()).toEqual(names);
    expect(stamp(cache)).not.toBe(remade);
    writeFileSync(file, 'torn');
    remade = stamp(cache);
    expect(probe(dir, { NODE_COMPILE_CACHE: cache })).toEqual({ ...plain, on: true });
    expect([...entries(cache).keys()].sort()).toEqual(names);
    expect(stamp(cache)).not.toBe(remade);

    // A file edited to a text of the same length (which V8 itself would not notice) runs as edited.
    const otherFile = path.join(dir, 'node_modules/fx/sub/other.js');
    writeFileSync(otherFile, readFileSync(otherFile, 'utf8').replace('42', '43'));
    expect(probe(dir, { NODE_COMPILE_CACHE: cache })).toEqual({ ...plain, value: 43, on: true });
    expect([...entries(cache).keys()].sort()).toEqual(names); // replaced, not added

    // Other V8 flags: a pack of their own, this one left as it is. Source maps: Node's own compile step.
    const before = stamp(cache);
    expect(probe(dir, { NODE_COMPILE_CACHE: cache, NODE_OPTIONS: '--max-old-space-size=200' })).toEqual({ ...plain, value: 43, on: true });
    expect(packs(cache).length).toBe(2);
    expect(statSync(file).mtimeMs).toBe(before);
    expect(probe(dir, { NODE_COMPILE_CACHE: cache, NODE_OPTIONS: '--enable-source-maps' })).toEqual({ ...plain, value: 43, on: false });
  }, 30_000);

  it('deletes the packs no run has used for 30 days when it writes its own, and marks the one it uses once a day', () => {
    const dir = fixture();
    const cache = path.join(dir, 'cache');
    mkdirSync(cache);
    const DAY = 24 * 60 * 60 * 1000;
    const age = (name: string, days: number) => utimesSync(path.join(cache, name), new Date(Date.now() - days * DAY), new Date(Date.now() - days * DAY));
    /** What a pack begins with (code-cache.ts's MAGIC). */
    const pack = Buffer.from('chanx-gen code cache 1\n');
    const others: [string, number, Buffer | string][] = [
      [`${process.arch}-1.bin`, 40, pack], // another Node's, unused for 40 days: deleted
      [`${process.arch}-2.bin`, 10, pack], // another Node's, used 10 days ago: kept
      [`${process.arch}-3.bin.4242.tmp`, 2, pack], // left half-written two days ago: deleted
      [`${process.arch}-4.bin.4243.tmp`, 0, pack], // being written by another run now: kept
      [`${process.arch}-5.bin`, 400, 'x'], // named as a pack, but not one (its first bytes): kept
      ['data-1.bin', 400, pack], // not named as a pack: kept
      ['notes.txt', 400, 'x'], // kept
    ];
    for (const [name, days, content] of others) {
      writeFileSync(path.join(cache, name), content);
      age(name, days);
    }
    expect(probe(dir, { NODE_COMPILE_CACHE: cache })['on']).toBe(true);
    const left = readdirSync(cache).sort();
    const own = left.filter((name) => !others.some(([other]) => other === name));
    expect(own).toHaveLength(1); // the pack this run wrote
    expect(left).toEqual([own[0]!, `${process.arch}-2.bin`, `${process.arch}-4.bin.4243.tmp`, `${process.arch}-5.bin`, 'data-1.bin', 'notes.txt'].sort());

    // A run that takes its code from a pack three days old renews the pack's time, and writes nothing.
    age(own[0]!, 3);
    const inode = statSync(path.join(cache, own[0]!)).ino;
    probe(dir, { NODE_COMPILE_CACHE: cache });
    expect(Date.now() - statSync(path.join(cache, own[0]!)).mtimeMs).toBeLessThan(DAY);
    expect(statSync(path.join(cache, own[0]!)).ino).toBe(inode); // the same file, not one written anew
    // Not more than once a day; and a run that writes no pack deletes nothing.
    age(own[0]!, 0.5);
    const halfDay = statSync(path.join(cache, own[0]!)).mtimeMs;
    age(`${process.arch}-2.bin`, 40);
    probe(dir, { NODE_COMPILE_CACHE: cache });
    expect(statSync(path.join(cache, own[0]!)).mtimeMs).toBe(halfDay);
    expect(statSync(path.join(cache, own[0]!)).ino).toBe(inode);
    expect(readdirSync(cache).sort()).toEqual(left);
  }, 30_000);

  it('generates the same files from cached code as without a cache', () => {
    const dir = scratch(['specs']);
    const cache = path.join(dir, 'cache');
    const bin = path.join(ROOT, 'bin/chanx-gen.js');
    const run = (out: string, env: Record<string, string>, flags: string[] = []) => {
      const done = spawnSync(process.execPath, [...flags, bin, 'specs/system.yaml', '-o', out, '-q'], {
        cwd: dir,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect({ code: done.status, stderr: done.stderr }).toEqual({ code: 0, stderr: '' });
    };
    run('plain', { NODE_DISABLE_COMPILE_CACHE: '1' });
    run('cold', { NODE_COMPILE_CACHE: cache });
    const written = entries(cache);
    expect(written.size).toBeGreaterThan(100); // the parser, Spectral and ajv, among others
    // The bin runs with four times V8's interrupt budget, set before the pack is named: the pack is
    // the one a node started with that flag names, not this process's.
    const budget = `--interrupt-budget=${264 * 1024}`;
    expect(tagWith([budget])).not.toBe(tagWith([]));
    expect(packs(cache).map((f) => path.basename(f))).toEqual([`${process.arch}-${tagWith([budget])}.bin`]);
    const once = stamp(cache);
    run('warm', { NODE_COMPILE_CACHE: cache });
    expect(stamp(cache)).toBe(once);
    const plain = snapshotTree(path.join(dir, 'plain'));
    expect(Object.keys(plain).length).toBeGreaterThan(5);
    expect(snapshotTree(path.join(dir, 'cold'))).toEqual(plain);
    expect(snapshotTree(path.join(dir, 'warm'))).toEqual(plain);
    // A budget given to node itself stands: its own pack.
    run('given', { NODE_COMPILE_CACHE: cache }, ['--interrupt-budget=100000']);
    expect(
      packs(cache)
        .map((f) => path.basename(f))
        .sort(),
    ).toEqual([`${process.arch}-${tagWith([budget])}.bin`, `${process.arch}-${tagWith(['--interrupt-budget=100000'])}.bin`].sort());
    expect(snapshotTree(path.join(dir, 'given'))).toEqual(plain);
  }, 60_000);
});
