/**
 * Where the `require` calls inside node_modules resolve to, kept between runs. Loading the parser,
 * Spectral and ajv makes ~1,400 of them, and Node finds each again on every run by trying paths,
 * extensions and package.json files (OKX, first run: ~150 ms of CPU by a timer around Node's
 * resolver, most of it stat calls). A kept answer costs a lookup and one check that the file is
 * still there.
 *
 * What keeps it right: only requests made from a file inside the node_modules that chanx-gen's own
 * dependencies are installed in are kept, and the answers are kept per install: the file is named
 * after the SHA-256 of the hidden lockfile npm rewrites on every change in that node_modules
 * (.package-lock.json; without one, nothing is kept), so an install, update or removal starts a new
 * table. Nothing is kept in a run with a flag that changes what a request resolves to (--conditions,
 * --preserve-symlinks, a policy, a loader). An answer depends only on the requesting file's folder
 * and the request (`require.resolve` with `paths` is left to Node). A kept file that is gone is
 * resolved again. As with the code cache (code-cache.ts): NODE_DISABLE_COMPILE_CACHE=1 turns it
 * off, and it lives in the code cache's folder (NODE_COMPILE_CACHE, else
 * node_modules/.cache/chanx-gen-code).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { codeCacheDir } from './code-cache.js';

interface ModuleInternals {
  _resolveFilename(request: string, parent: { filename?: string | null } | undefined, isMain: boolean, options?: unknown): string;
}

const require = createRequire(import.meta.url);
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const PREFIX = 'resolve-';

/** Whether the hook is in place (once per process). */
let installed = false;

interface Table {
  file: string;
  /** The node_modules folder (with a trailing separator) whose files' requests are kept. */
  modules: string;
  /** `<requesting folder>\0<request>` -> resolved file. */
  entries: Map<string, string>;
}

/** The node_modules folder chanx-gen's dependencies are installed in (with a trailing separator). */
function installedIn(): string | undefined {
  const parser = require.resolve('@asyncapi/parser');
  const at = parser.lastIndexOf(NODE_MODULES);
  return at < 0 ? undefined : parser.slice(0, at + NODE_MODULES.length);
}

/** The table of this install, or null where none can be kept. */
function openTable(env: NodeJS.ProcessEnv, folder: string | undefined): Table | null {
  try {
    const dir = codeCacheDir(env);
    const modules = folder === undefined ? installedIn() : `${path.resolve(folder)}${path.sep}`;
    if (dir === undefined || modules === undefined) return null;
    const lock = path.join(modules, '.package-lock.json');
    if (!existsSync(lock)) return null;
    const install = createHash('sha256').update(readFileSync(lock)).digest('hex').slice(0, 32);
    const file = path.join(dir, `${PREFIX}${install}.json`);
    return { file, modules, entries: readTable(file) };
  } catch {
    return null;
  }
}

function readTable(file: string): Map<string, string> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (Array.isArray(data) && data.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string')) {
      return new Map(data as [string, string][]);
    }
  } catch {
    // missing or not ours: an empty table
  }
  return new Map();
}

/** Writes the table (with what another run added meanwhile) and removes the tables of earlier installs. */
function writeTable(table: Table): void {
  try {
    const entries = new Map([...readTable(table.file), ...table.entries]);
    mkdirSync(path.dirname(table.file), { recursive: true });
    const partial = `${table.file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify([...entries]));
    renameSync(partial, table.file);
    const dir = path.dirname(table.file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith(PREFIX) && name.endsWith('.json') && name !== path.basename(table.file)) rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // not kept this time: the next run resolves again
  }
}

/** Node's flags that change what a request resolves to. */
const RESOLVING_FLAGS = /^(?:-C|--conditions|--preserve-symlinks|--experimental-policy|--experimental-permission|--experimental-loader|--loader)\b/;

/**
 * Turns the table on for this process (once; not where the environment or Node's flags say no).
 * `modules`: the node_modules folder whose files' requests are kept (a test's); by default the one
 * chanx-gen's dependencies are installed in.
 */
export function enableResolveCache(env: NodeJS.ProcessEnv = process.env, modules?: string): boolean {
  if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined && env['NODE_DISABLE_COMPILE_CACHE'] !== '') return false;
  if ([...process.execArgv, ...(env['NODE_OPTIONS'] ?? '').split(/\s+/)].some((flag) => RESOLVING_FLAGS.test(flag))) return false;
  const Module = require('node:module') as ModuleInternals;
  if (installed || typeof Module._resolveFilename !== 'function') return false;
  installed = true;
  /** undefined: not opened yet (a run that loads no package opens none). */
  let table: Table | null | undefined;
  let added = false;
  const nodeResolve = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    const from = parent?.filename;
    if (options !== undefined || isMain || typeof request !== 'string' || typeof from !== 'string' || !from.includes(NODE_MODULES) || isBuiltin(request)) {
      return nodeResolve.call(this, request, parent, isMain, options);
    }
    if (table === undefined) table = openTable(env, modules);
    if (table === null || !from.startsWith(table.modules)) return nodeResolve.call(this, request, parent, isMain, options);
    const key = `${path.dirname(from)}\0${request}`;
    const kept = table.entries.get(key);
    if (kept !== undefined && existsSync(kept)) return kept;
    const found = nodeResolve.call(this, request, parent, isMain, options);
    table.entries.set(key, found);
    added = true;
    return found;
  };
  process.once('exit', () => {
    if (added && table) writeTable(table);
  });
  return true;
}
