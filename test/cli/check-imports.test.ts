/**
 * `--check` on an unchanged tree answers from the note of the last run (src/write/check-cache.ts),
 * and then loads none of the heavy parts: not the parser or Spectral, not ajv, not TypeScript, not
 * the template engine or the diff printer. Measured as the modules the process actually loads.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, scratch } from '../helpers/cli.js';

const HEAVY = /node_modules\/(@asyncapi|@stoplight|ajv|ajv-formats|typescript|handlebars|diff|yaml|js-yaml)\//;

/** Runs bin/chanx-gen.js in `dir` and lists every module it loaded, ES modules and CommonJS alike. */
function loadedBy(args: string[], dir: string): string[] {
  const log = path.join(dir, 'loaded.txt');
  const hooks = path.join(dir, 'hooks.mjs');
  const preload = path.join(dir, 'preload.mjs');
  writeFileSync(log, '');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const r = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');\n  return r;\n}\n`,
  );
  writeFileSync(
    preload,
    `import { register, createRequire } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\nprocess.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(createRequire(import.meta.url).cache).join('\\n') + '\\n'));\n`,
  );
  execFileSync(process.execPath, ['--import', pathToFileURL(preload).href, path.join(ROOT, 'bin/chanx-gen.js'), ...args], { cwd: dir, stdio: 'pipe' });
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/^file:\/\//, ''));
}

describe('--check on an unchanged tree', () => {
  it('loads nothing heavy, where generating loads the parser, ajv and the templates', () => {
    const dir = scratch(['specs']);
    mkdirSync(path.join(dir, 'node_modules'));
    const generating = loadedBy(['specs/system.yaml', '-q'], dir);
    expect(generating.filter((m) => HEAVY.test(m)).length).toBeGreaterThan(10); // the probe sees them when they load
    const checking = loadedBy(['specs/system.yaml', '--check', '-q'], dir);
    expect(checking.some((m) => m.endsWith('/dist/write/check-cache.js'))).toBe(true);
    expect(checking.filter((m) => HEAVY.test(m))).toEqual([]);
  }, 60_000);
});
