/**
 * Node 20's stand-in for `module.enableCompileCache()` (Node 22.1+, which bin/chanx-gen.js calls
 * where it exists): V8 keeps the code it compiled for the CommonJS files of node_modules (the
 * parser, Spectral, ajv) and of chanx-gen's own dist/ (the parser's precompiled validators): most
 * of a first run's start-up. A later run does not parse and compile them again, including the
 * functions compiled lazily while the run went on.
 *
 * How: Module.prototype._compile is wrapped, for those CommonJS files only. Such a file is
 * compiled as Node compiles it (its text in Module.wrap's function) by a vm.Script given the bytes
 * V8 made for it last time; it runs as Node runs it (`this` its exports; exports, require, module,
 * __filename, __dirname). At exit, V8's bytes for each file compiled afresh are added to the cache
 * (one file, readPack). Anything else goes to Node's own _compile untouched: ES modules, a file
 * with a hashbang or one that may call `import()` (cacheable, below), one V8 cannot compile as a
 * script (Node then detects ES module syntax, or throws its own error), and every other file.
 *
 * What makes it safe: V8 checks every cache entry it is given (its version, flags and the source)
 * and compiles afresh when one does not fit, and an entry is keyed by a hash of the file's path and
 * text, so an edited file never meets its old code. A cache that cannot be read or written is no
 * cache. As with Node's own: NODE_DISABLE_COMPILE_CACHE=1 turns it off, NODE_COMPILE_CACHE=<dir>
 * puts it in `dir`; by default it lives in node_modules/.cache/chanx-gen-code beside the parser.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import vm from 'node:vm';

interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
}
type Compile = (this: CjsModule, content: string, filename: string, ...rest: unknown[]) => unknown;
interface ModuleInternals {
  prototype: { _compile: Compile };
  wrap(script: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: CjsModule): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}

const require = createRequire(import.meta.url);
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** chanx-gen's own dist/, whose CommonJS files are the parser's precompiled validators (about 350 KB a version) and the templates. */
const OWN = `${path.dirname(fileURLToPath(import.meta.url))}${path.sep}`;
/** Whether the hook is in place (it is put once per process). */
let installed = false;

/** Where the cache goes: NODE_COMPILE_CACHE, else node_modules/.cache/chanx-gen-code of the tree the parser is installed in. */
function cacheFile(env: NodeJS.ProcessEnv): string | undefined {
  let root = env['NODE_COMPILE_CACHE'] || undefined;
  if (root === undefined) {
    try {
      const parser = require.resolve('@asyncapi/parser');
      const at = parser.lastIndexOf(NODE_MODULES);
      if (at >= 0) root = path.join(parser.slice(0, at), 'node_modules', '.cache', 'chanx-gen-code');
    } catch {
      // Not installed beside us: no cache.
    }
  }
  // One file per Node build: V8 would refuse another's entries anyway, and they would be rewritten back and forth.
  return root === undefined ? undefined : path.join(path.resolve(root), `${process.version}-${process.arch}.bin`);
}

/** Above this size (bytes) a rewrite keeps only what this run used: entries of files since changed are dropped. */
const PACK_LIMIT = 64 * 1024 * 1024;

/**
 * The cache's entries, by key: one file (v8.serialize of a Map), read once and written once, since
 * a file per entry cost a run about 700 opens to read and 700 writes to make (~70 ms).
 */
function readPack(file: string): Map<string, Uint8Array> {
  try {
    const entries = deserialize(readFileSync(file)) as unknown;
    if (entries instanceof Map) return entries as Map<string, Uint8Array>;
  } catch {
    // Missing, torn or not ours: an empty cache.
  }
  return new Map();
}

/**
 * Turns the cache on for this process (once; not where the environment says no). The cache is
 * looked for when the first file is compiled: `--check` on an unchanged tree loads none.
 */
export function enableCodeCache(env: NodeJS.ProcessEnv = process.env): boolean {
  const Module = require('node:module') as ModuleInternals;
  if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined && env['NODE_DISABLE_COMPILE_CACHE'] !== '') return false;
  if (typeof Module.prototype._compile !== 'function' || typeof Module.wrap !== 'function' || installed) return false;
  installed = true;
  /** undefined: not looked for yet; null: there is none. */
  let pack: { file: string; entries: Map<string, Uint8Array> } | null | undefined;
  /** Entries this run took. */
  const used = new Set<string>();
  /** Files compiled without a usable entry; their code is added at exit. */
  const fresh: { script: vm.Script; key: string }[] = [];
  const nodeCompile = Module.prototype._compile;
  Module.prototype._compile = function (this: CjsModule, content: string, filename: string, ...rest: unknown[]): unknown {
    const format = rest[0];
    const ours = filename.includes(NODE_MODULES) || filename.startsWith(OWN);
    if ((format !== undefined && format !== 'commonjs') || !ours || !cacheable(content)) return nodeCompile.call(this, content, filename, ...rest);
    if (pack === undefined) {
      const file = cacheFile(env);
      pack = file === undefined ? null : { file, entries: readPack(file) };
    }
    if (pack === null) return nodeCompile.call(this, content, filename, ...rest);
    const key = createHash('sha1').update(filename).update('\0').update(content).digest('hex');
    const cachedData = pack.entries.get(key);
    let script: vm.Script;
    try {
      script = new vm.Script(Module.wrap(content), { filename, ...(cachedData === undefined ? {} : { cachedData }) });
    } catch {
      return nodeCompile.call(this, content, filename, ...rest);
    }
    if (cachedData === undefined || script.cachedDataRejected === true) fresh.push({ script, key });
    else used.add(key);
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return Reflect.apply(wrapper, this.exports, [this.exports, requireFor(this, Module), this, filename, path.dirname(filename)]);
  };

  process.once('exit', () => {
    if (fresh.length === 0 || typeof pack !== 'object' || pack === null) return;
    try {
      // What another run wrote meanwhile is kept too.
      const entries = readPack(pack.file);
      for (const { script, key } of fresh) {
        entries.set(key, script.createCachedData());
        used.add(key);
      }
      let size = 0;
      for (const data of entries.values()) size += data.byteLength;
      if (size > PACK_LIMIT) for (const key of entries.keys()) if (!used.has(key)) entries.delete(key);
      mkdirSync(path.dirname(pack.file), { recursive: true });
      // Written whole under another name, then renamed: a run reading meanwhile sees all of it or none.
      const partial = `${pack.file}.${process.pid}.tmp`;
      writeFileSync(partial, serialize(entries));
      renameSync(partial, pack.file);
    } catch {
      // No cache this time: the next run compiles again.
    }
  });
  return true;
}

/**
 * Whether a file is one to cache. Not one with a hashbang, nor one that may call `import()`: a
 * vm.Script has no module loader of its own, and on Node 20 the main context's
 * (vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER) is experimental, warns, and is lost when the
 * script comes from cached data. Such files are few (none of the parser's start-up) and Node compiles them.
 */
function cacheable(content: string): boolean {
  return !content.startsWith('#!') && !/\bimport\s*(?:\(|\/[/*])/.test(content);
}

/** The `require` Node gives a CommonJS module (Node's own makeRequireFunction is internal). */
function requireFor(mod: CjsModule, Module: ModuleInternals): NodeJS.Require {
  const req = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) => Module._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => Module._resolveLookupPaths(request, mod);
  req.resolve = resolve;
  req.main = process.mainModule;
  req.extensions = Module._extensions as NodeJS.RequireExtensions;
  req.cache = Module._cache as NodeJS.Dict<NodeModule>;
  return req;
}
