/**
 * Node 20's stand-in for `module.enableCompileCache()` (Node 22.1+, which bin/chanx-gen.js calls
 * where it exists): V8 keeps the code it compiled for the CommonJS files of node_modules (the
 * parser, Spectral, ajv) and of chanx-gen's own dist/ (the parser's precompiled validators): most
 * of a first run's start-up. A later run does not parse and compile them again, including the
 * functions compiled lazily while the run went on.
 *
 * How: Module.prototype._compile is wrapped, for those CommonJS files only. Such a file is
 * compiled as Node compiles it (its text in Module.wrap's function, columns as in the file) by a
 * vm.Script given the bytes V8 made for it last time; it runs as Node runs it (`this` its exports;
 * exports, require, module, __filename, __dirname). At exit, V8's bytes for each file compiled
 * afresh go into the cache (one file, readPack). Anything else goes to Node's own _compile: ES
 * modules, a file with a hashbang or one that may call `import()` (cacheable, below), one V8 cannot
 * compile as a script (Node then detects ES module syntax, or throws its own error), every other
 * file, and every file when source maps (--enable-source-maps) or a policy (--experimental-policy)
 * are on, which Node's own compile step serves.
 *
 * What makes it safe: V8 checks an entry's version and flags and the length of the source, not its
 * text, and does not check the bytes themselves. So an entry is only used for the file whose text
 * hashes to what it was made from, and the pack carries a hash of its bytes: a damaged pack is an
 * empty cache. A cache that cannot be read or written is no cache. As with Node's own:
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off, NODE_COMPILE_CACHE=<dir> puts it in `dir`; by default
 * it lives in node_modules/.cache/chanx-gen-code beside the parser. A pack no run has used for 30
 * days (another Node's, another set of V8 flags') is deleted when a run writes its own.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDataVersionTag, deserialize, serialize } from 'node:v8';
import vm from 'node:vm';

interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
}
type Compile = (this: CjsModule, content: string, filename: string, ...rest: unknown[]) => unknown;
interface ModuleInternals {
  prototype: { _compile: Compile };
  wrap(script: string): string;
  wrapper: readonly string[];
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: CjsModule): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}

/** A file's entry: the hash of the text it was made from, and V8's bytes. */
export interface Entry {
  sha: string;
  data: Uint8Array;
}

const require = createRequire(import.meta.url);
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** chanx-gen's own dist/, whose CommonJS files are the parser's precompiled validators (about 350 KB a version) and the templates. */
const OWN = `${path.dirname(fileURLToPath(import.meta.url))}${path.sep}`;
/** What a pack file starts with; the SHA-256 of the rest follows it. */
const MAGIC = Buffer.from('chanx-gen code cache 1\n');
/** Whether the hook is in place (it is put once per process). */
let installed = false;

/**
 * Where the cache goes: NODE_COMPILE_CACHE, else node_modules/.cache/chanx-gen-code of the tree the
 * parser is installed in. One file per V8 version and flags (cachedDataVersionTag): V8 refuses
 * another's entries, and runs with other flags (NODE_OPTIONS=--max-old-space-size, say) would
 * otherwise rewrite it back and forth.
 */
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
  return root === undefined ? undefined : path.join(path.resolve(root), `${process.arch}-${cachedDataVersionTag()}.bin`);
}

/** Above this size (bytes) a rewrite keeps only the files this run loaded. */
const PACK_LIMIT = 32 * 1024 * 1024;

/**
 * The cache's entries, by file: one file (MAGIC, the SHA-256 of the rest, then v8.serialize of a
 * Map), read once and written once: a file per entry cost a run ~700 opens to read and 640 writes
 * to make (~70 ms). A file changed since keeps its place (its entry is replaced), so the pack grows
 * only with files it has not seen.
 */
export function readPack(file: string): Map<string, Entry> {
  try {
    const bytes = readFileSync(file);
    const body = bytes.subarray(MAGIC.length + 32);
    const sha = createHash('sha256').update(body).digest();
    if (bytes.subarray(0, MAGIC.length).equals(MAGIC) && bytes.subarray(MAGIC.length, MAGIC.length + 32).equals(sha)) {
      const entries = deserialize(body) as unknown;
      if (entries instanceof Map) return entries as Map<string, Entry>;
    }
  } catch {
    // Missing, torn or not ours: an empty cache.
  }
  return new Map();
}

/** Writes the pack (exported, as readPack is, for the test that damages one). */
export function writePack(file: string, entries: Map<string, Entry>): void {
  const body = serialize(entries);
  mkdirSync(path.dirname(file), { recursive: true });
  // Written whole under another name, then renamed: a run reading meanwhile sees all of it or none.
  const partial = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, Buffer.concat([MAGIC, createHash('sha256').update(body).digest(), body]));
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * A pack no run has used for this long (another Node's, or another set of V8 flags': each is about
 * 3-5 MB) is deleted when a run writes its own.
 */
const UNUSED_MS = 30 * DAY_MS;
/**
 * A pack's name (cacheFile: one of Node's process.arch values, V8's tag), or one left half-written
 * by a run that did not end (writePack). A whole pack is also known by its first bytes (MAGIC).
 */
const PACK_NAME = /^(?:arm|arm64|ia32|loong64|mips|mipsel|ppc|ppc64|riscv64|s390|s390x|x64)-\d{1,10}\.bin(\.\d+\.tmp)?$/;

/** Whether `file` begins as a pack does. */
function startsAsPack(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    return readSync(fd, head, 0, MAGIC.length, 0) === MAGIC.length && head.equals(MAGIC);
  } finally {
    closeSync(fd);
  }
}

/**
 * Marks a pack as used (its modification time, renewed at most once a day: one stat a run, a write a
 * day), so that the runs of another Node do not take it for a stale one.
 */
function markUsed(file: string, now = Date.now()): void {
  try {
    if (now - statSync(file).mtimeMs > DAY_MS) utimesSync(file, new Date(now), new Date(now));
  } catch {
    // No pack there, or one we may not touch: nothing to mark.
  }
}

/**
 * Deletes the packs beside `file` that no run has used for UNUSED_MS, and those left half-written
 * more than a day ago. Only files named as packs are: the folder may be one a user named
 * (NODE_COMPILE_CACHE).
 */
function removeStalePacks(file: string, now = Date.now()): void {
  const dir = path.dirname(file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = PACK_NAME.exec(name);
    if (match === null || path.join(dir, name) === file) continue;
    try {
      const other = path.join(dir, name);
      const whole = match[1] === undefined;
      if (now - statSync(other).mtimeMs > (whole ? UNUSED_MS : DAY_MS) && (!whole || startsAsPack(other))) rmSync(other, { force: true });
    } catch {
      // Gone meanwhile, or not ours to delete.
    }
  }
}

/** Whether Node's own compile step has work the hook would skip: source maps, a policy. */
function nodeCompileNeeded(env: NodeJS.ProcessEnv): boolean {
  const flags = [...process.execArgv, ...(env['NODE_OPTIONS'] ?? '').split(/\s+/)];
  return process.sourceMapsEnabled || flags.some((f) => f.startsWith('--enable-source-maps') || f.startsWith('--experimental-policy'));
}

/**
 * Turns the cache on for this process (once; not where the environment says no). The cache is
 * looked for when the first file is compiled: `--check` on an unchanged tree loads none.
 */
export function enableCodeCache(env: NodeJS.ProcessEnv = process.env): boolean {
  const Module = require('node:module') as ModuleInternals;
  if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined && env['NODE_DISABLE_COMPILE_CACHE'] !== '') return false;
  if (typeof Module.prototype._compile !== 'function' || typeof Module.wrap !== 'function' || installed || nodeCompileNeeded(env)) return false;
  installed = true;
  /** Module.wrap puts this before the text on its first line: columns are counted from after it. */
  const columnOffset = -(Module.wrapper[0]?.length ?? 0);
  /** undefined: not looked for yet; null: there is none. */
  let pack: { file: string; entries: Map<string, Entry> } | null | undefined;
  /** Files this run loaded from the cache. */
  const used = new Set<string>();
  /** Files compiled without a usable entry; their code is added at exit. */
  const fresh: { script: vm.Script; filename: string; sha: string }[] = [];
  const nodeCompile = Module.prototype._compile;
  Module.prototype._compile = function (this: CjsModule, content: string, filename: string, ...rest: unknown[]): unknown {
    const format = rest[0];
    const ours = filename.includes(NODE_MODULES) || filename.startsWith(OWN);
    if ((format !== undefined && format !== 'commonjs') || !ours || !cacheable(content)) return nodeCompile.call(this, content, filename, ...rest);
    if (pack === undefined) {
      const file = cacheFile(env);
      pack = file === undefined ? null : { file, entries: readPack(file) };
      if (pack !== null && pack.entries.size > 0) markUsed(pack.file);
    }
    if (pack === null) return nodeCompile.call(this, content, filename, ...rest);
    const sha = createHash('sha256').update(content).digest('base64');
    const entry = pack.entries.get(filename);
    const cachedData = entry?.sha === sha ? entry.data : undefined;
    let script: vm.Script;
    try {
      script = new vm.Script(Module.wrap(content), { filename, columnOffset, ...(cachedData === undefined ? {} : { cachedData }) });
    } catch {
      return nodeCompile.call(this, content, filename, ...rest);
    }
    if (cachedData === undefined || script.cachedDataRejected === true) fresh.push({ script, filename, sha });
    else used.add(filename);
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return Reflect.apply(wrapper, this.exports, [this.exports, requireFor(this, Module), this, filename, path.dirname(filename)]);
  };

  process.once('exit', () => {
    if (fresh.length === 0 || typeof pack !== 'object' || pack === null) return;
    try {
      // What another run wrote meanwhile is kept too.
      const entries = readPack(pack.file);
      for (const { script, filename, sha } of fresh) {
        entries.set(filename, { sha, data: script.createCachedData() });
        used.add(filename);
      }
      let size = 0;
      for (const entry of entries.values()) size += entry.data.byteLength;
      if (size > PACK_LIMIT) for (const filename of entries.keys()) if (!used.has(filename)) entries.delete(filename);
      writePack(pack.file, entries);
      removeStalePacks(pack.file);
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
 * script comes from cached data. Such files are few (none of the parser's start-up) and Node
 * compiles them. (An `import()` built at run time, in eval or new Function, is not seen here and
 * would fail in a cached file: no package chanx-gen loads does that.)
 */
function cacheable(content: string): boolean {
  return !content.startsWith('#!') && !/\bimport\s*(?:\(|\/[/*])/.test(content);
}

/** Node's check of a require argument (its own validateString is internal). */
function checkRequest(request: unknown): asserts request is string {
  if (typeof request === 'string') return;
  const err = new TypeError(`The "request" argument must be of type string. Received ${request === null ? 'null' : typeof request}`);
  (err as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
  throw err;
}

/** The `require` Node gives a CommonJS module (Node's own makeRequireFunction is internal). */
function requireFor(mod: CjsModule, Module: ModuleInternals): NodeJS.Require {
  const req = function require(id: string): unknown {
    return mod.require(id);
  } as NodeJS.Require;
  const resolve = function resolve(request: string, options?: unknown): string {
    checkRequest(request);
    return Module._resolveFilename(request, mod, false, options);
  } as NodeJS.RequireResolve;
  resolve.paths = function paths(request: string): string[] | null {
    checkRequest(request);
    return Module._resolveLookupPaths(request, mod);
  };
  req.resolve = resolve;
  req.main = process.mainModule;
  req.extensions = Module._extensions as NodeJS.RequireExtensions;
  req.cache = Module._cache as NodeJS.Dict<NodeModule>;
  return req;
}
