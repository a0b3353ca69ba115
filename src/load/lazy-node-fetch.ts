/**
 * The parser's module graph requires node-fetch as it loads, twice (the 2.7 of
 * @stoplight/spectral-runtime, the 2.6 of @stoplight/json-ref-readers), and with it whatwg-url,
 * tr46's 260 KB mapping table and Node's http, https, tls, net and zlib: about 30 ms of every first
 * run. node-fetch only fetches a remote `$ref`, and chanx-gen refuses those before the parser runs
 * (source-files.ts), so it is not called. Before the parser is loaded, each copy is put in require's
 * cache as a stand-in that loads the real module the first time it is called or looked into (a
 * property, its list of keys, as Node's `import` of it does), and from then on hands everything to
 * it. The one thing its requirers read as they load, `__esModule` (tslib's __importDefault), is
 * answered as the module answers it (true) without loading it.
 * test/load/lazy-specs.test.ts holds the parser's verdicts to those of a process without this, and
 * uses a stand-in as node-fetch against a local server.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { placeInCache } from './module-cache.js';

let installed = false;

/** Where the parser's graph requires node-fetch from: each a path of packages, each resolved from the one before. */
const CHAINS = [
  ['@asyncapi/parser', '@stoplight/spectral-core', '@stoplight/spectral-runtime', 'node-fetch'],
  ['@asyncapi/parser', '@stoplight/spectral-ref-resolver', '@stoplight/spectral-runtime', 'node-fetch'],
  ['@asyncapi/parser', '@stoplight/json-ref-readers', 'node-fetch'],
  ['@asyncapi/parser', '@stoplight/spectral-ref-resolver', '@stoplight/json-ref-readers', 'node-fetch'],
];

/** Idempotent; a copy already loaded, or one laid out otherwise, loads as usual. */
export function lazyNodeFetch(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);
  const files = new Set<string>();
  for (const chain of CHAINS) {
    try {
      let file = fileURLToPath(import.meta.url);
      for (const name of chain) file = createRequire(file).resolve(name);
      files.add(file);
    } catch {
      // another layout: that copy loads as usual
    }
  }
  for (const file of files) if (require.cache[file] === undefined) placeInCache(require, file, standIn(file));
}

/** A function that is node-fetch's module at `file`, loaded when first called or looked into. */
function standIn(file: string): object {
  const require = createRequire(file);
  let real: object | undefined;
  const load = (): object => {
    if (real === undefined) {
      delete require.cache[file]; // the stand-in's place: the real module takes it
      real = require(file) as object;
    }
    return real;
  };
  // A function, with `__esModule` as node-fetch defines it (not configurable): the properties a Proxy
  // must report as its target has them are then the module's own (`prototype`, `__esModule`).
  const target = function nodeFetch() {};
  Object.defineProperty(target, '__esModule', { value: true });
  const self: ProxyHandler<typeof target> = {
    apply: (_, thisArg, args) => Reflect.apply(load() as (...a: unknown[]) => unknown, thisArg, args),
    construct: (_, args) => Reflect.construct(load() as new (...a: unknown[]) => object, args),
    get: (_, key) => (key === '__esModule' ? true : Reflect.get(load(), key)),
    set: (_, key, value) => Reflect.set(load(), key, value),
    has: (_, key) => Reflect.has(load(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
    // Its names, for whoever lists them (Object.keys, a spread, Node's import of a loaded CommonJS module).
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(load(), key),
    defineProperty: (own, key, descriptor) => {
      const module = load();
      if (!Reflect.defineProperty(module, key, descriptor)) return false;
      const now = Reflect.getOwnPropertyDescriptor(module, key);
      return now?.configurable !== false || Reflect.defineProperty(own, key, now);
    },
    // Object.freeze and the like: the module first, then the target becomes a copy of it, as a Proxy
    // whose target is not extensible must report exactly the target's properties.
    preventExtensions: (own) => {
      const module = load();
      if (!Reflect.preventExtensions(module)) return false;
      for (const key of Reflect.ownKeys(module)) Reflect.defineProperty(own, key, Reflect.getOwnPropertyDescriptor(module, key)!);
      return Reflect.preventExtensions(own);
    },
  };
  return new Proxy(target, self);
}
