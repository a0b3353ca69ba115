/**
 * @asyncapi/specs' index requires the JSON Schema of every AsyncAPI version it knows (18 files,
 * 3.4 MB: ~50 ms and ~8 MB of every cold run), and @asyncapi/parser loads that index, though a
 * document is read against the schemas of its own version only. Before the parser is loaded, each of
 * those files is put in require's cache as an object that reads and parses the file the first time
 * anything looks into it (its keys, a property, JSON.stringify), and from then on is that file's
 * content. The parser sees the same data; only the versions it never looks at are never read.
 * test/load/lazy-specs.test.ts holds the parser's verdicts to those of a process without this.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { placeInCache } from './module-cache.js';

let installed = false;

/** Idempotent; does nothing once the specs are loaded or when they are laid out otherwise. */
export function lazySpecSchemas(): void {
  if (installed) return;
  installed = true;
  try {
    const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
    const index = fromParser.resolve('@asyncapi/specs');
    const cache = fromParser.cache;
    if (cache[index] !== undefined) return; // loaded already: nothing to spare
    const dir = path.join(path.dirname(index), 'schemas');
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (!name.endsWith('.json') || cache[file] !== undefined) continue;
      placeInCache(fromParser, file, lazyJson(file));
    }
  } catch {
    // another layout: the parser loads the schemas as usual
  }
}

/** An object that is the JSON content of `file`, read when first looked into. */
function lazyJson(file: string): object {
  let content: object | undefined;
  // As Node's require reads JSON: UTF-8, a byte order mark dropped.
  const real = (): object => (content ??= JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as object);
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(real(), key),
      set: (_, key, value) => Reflect.set(real(), key, value),
      has: (_, key) => Reflect.has(real(), key),
      deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
      ownKeys: () => Reflect.ownKeys(real()),
      getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(real(), key),
      defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
      getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    },
  );
}
