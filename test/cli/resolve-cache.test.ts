/**
 * src/resolve-cache.ts: where the requests of a node_modules resolve, kept per install. A process
 * using the table loads what Node would load; the table is what answers (a planted answer is
 * taken); a kept file that is gone is resolved again; a new install starts a new table; flags that
 * change resolution turn it off.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, scratch } from '../helpers/cli.js';

/** node_modules with two packages and a hidden lockfile; a probe that prints where each require went. */
function fixture(): string {
  const dir = scratch();
  const files: Record<string, string> = {
    'node_modules/.package-lock.json': '{"lockfileVersion":3,"packages":{}}',
    'node_modules/fx/package.json': '{"name":"fx","version":"1.0.0","main":"lib/main.js"}',
    'node_modules/fx/lib/main.js':
      "exports.other = require('./other').where;\nexports.dep = require('dep').where;\nexports.sub = require('dep/sub').where;\nexports.optional = (() => { try { return require('not-installed'); } catch (e) { return e.code; } })();",
    'node_modules/fx/lib/other.js': "exports.where = 'fx/lib/other.js';",
    'node_modules/dep/package.json': '{"name":"dep","version":"1.0.0","exports":{".":"./index.js","./sub":"./sub/index.js"}}',
    'node_modules/dep/index.js': "exports.where = 'dep/index.js';",
    'node_modules/dep/sub/index.js': "exports.where = 'dep/sub/index.js';",
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  writeFileSync(
    path.join(dir, 'probe.mjs'),
    `import { createRequire } from 'node:module';\n` +
      `const { enableResolveCache } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/resolve-cache.js')).href)});\n` +
      `const on = enableResolveCache(process.env, new URL('./node_modules', import.meta.url).pathname);\n` +
      `console.log(JSON.stringify({ ...createRequire(import.meta.url)('fx'), on }));\n`,
  );
  return dir;
}

function probe(dir: string, env: Record<string, string> = {}): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['probe.mjs'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '', ...env }, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, unknown>;
}

/** The table files in `cache`. */
const tables = (cache: string): string[] => readdirSync(cache).filter((name) => name.startsWith('resolve-'));

function table(cache: string): [string, string][] {
  const [name, ...others] = tables(cache);
  expect(others).toEqual([]);
  return JSON.parse(readFileSync(path.join(cache, name!), 'utf8')) as [string, string][];
}

describe('resolve cache', () => {
  it('loads what Node loads, answers from the table once it is written, and resolves again a file that is gone', () => {
    const dir = fixture();
    const cache = path.join(dir, 'cache');
    const plain = probe(dir, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(plain).toEqual({ other: 'fx/lib/other.js', dep: 'dep/index.js', sub: 'dep/sub/index.js', optional: 'MODULE_NOT_FOUND', on: false });

    expect(probe(dir, { NODE_COMPILE_CACHE: cache })).toEqual({ ...plain, on: true });
    const kept = table(cache);
    // Each request made inside the node_modules, by requesting folder; a request that fails is not kept.
    const keys = kept.map(([key]) => key.replace(`${dir}${path.sep}`, '').replace('\0', ' '));
    expect(keys.sort()).toEqual(['node_modules/fx/lib ./other', 'node_modules/fx/lib dep', 'node_modules/fx/lib dep/sub']);
    const written = statSync(path.join(cache, tables(cache)[0]!)).mtimeMs;
    expect(probe(dir, { NODE_COMPILE_CACHE: cache })).toEqual({ ...plain, on: true });
    expect(statSync(path.join(cache, tables(cache)[0]!)).mtimeMs).toBe(written); // all answered: nothing written

    // The table answers: an answer planted in it is what the request gets.
    const file = path.join(cache, tables(cache)[0]!);
    const planted = kept.map(([key, value]): [string, string] => [key, key.endsWith('\0./other') ? path.join(dir, 'node_modules/dep/index.js') : value]);
    writeFileSync(file, JSON.stringify(planted));
    expect(probe(dir, { NODE_COMPILE_CACHE: cache })).toEqual({ ...plain, other: 'dep/index.js', on: true });

    // A kept file that is gone is resolved again, as Node resolves it now.
    writeFileSync(file, JSON.stringify(kept));
    mkdirSync(path.join(dir, 'node_modules/fx/lib/other'));
    renameSync(path.join(dir, 'node_modules/fx/lib/other.js'), path.join(dir, 'node_modules/fx/lib/other/index.js'));
    expect(probe(dir, { NODE_COMPILE_CACHE: cache })).toEqual({ ...plain, on: true });
    expect(table(cache).find(([key]) => key.endsWith('\0./other'))?.[1]).toBe(path.join(dir, 'node_modules/fx/lib/other/index.js'));
  });

  it('starts a new table when the install changes, keeps none without a lockfile or with flags that change resolution', () => {
    const dir = fixture();
    const cache = path.join(dir, 'cache');
    probe(dir, { NODE_COMPILE_CACHE: cache });
    const [first] = tables(cache);
    writeFileSync(path.join(dir, 'node_modules/.package-lock.json'), '{"lockfileVersion":3,"packages":{"node_modules/dep":{}}}');
    probe(dir, { NODE_COMPILE_CACHE: cache });
    expect(tables(cache)).toHaveLength(1);
    expect(tables(cache)[0]).not.toBe(first);

    const flagged = path.join(dir, 'flagged');
    expect(probe(dir, { NODE_COMPILE_CACHE: flagged, NODE_OPTIONS: '--conditions=development' })).toMatchObject({ on: false });
    expect(probe(dir, { NODE_COMPILE_CACHE: flagged, NODE_OPTIONS: '--preserve-symlinks' })).toMatchObject({ on: false });

    rmSync(path.join(dir, 'node_modules/.package-lock.json'));
    const unlocked = path.join(dir, 'unlocked');
    expect(probe(dir, { NODE_COMPILE_CACHE: unlocked })).toMatchObject({ other: 'fx/lib/other.js', on: true });
    expect(() => readdirSync(unlocked)).toThrow(); // nothing kept, not even the folder
  });
});
