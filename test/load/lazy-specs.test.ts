/**
 * The AsyncAPI schemas, Spectral's ruleset functions and node-fetch made lazy (src/load/lazy-specs.ts,
 * src/load/lazy-ruleset-functions.ts, src/load/lazy-node-fetch.ts), and the polyfill of
 * AggregateError replaced by what it hands out (src/load/native-aggregate-error.ts), must change
 * nothing the parser says: the unmodified parser, in a process of its own with and without them, gives the same diagnostics and
 * the same document for documents of several versions, valid and invalid (including one whose
 * payload schemas are checked against its version's schema). And a run reads only its version's.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { SHARED } from '../helpers/corpus.js';
import { requireOrSkip } from '../helpers/require.js';
import { existsSync } from 'node:fs';

const DOCS = [
  path.join(ROOT, 'specs/system.yaml'),
  path.join(ROOT, 'test/fixtures/type-routed-v2/spec.yaml'),
  path.join(ROOT, 'test/load/fixtures/v2-contradicting-examples.yaml'),
  // (none with a remote $ref, which the parser would fetch: a test goes no further than loopback)
  path.join(SHARED, 'corpus/asyncapi-spec/3.0.0/websocket-gemini-asyncapi.yml'),
  path.join(SHARED, 'corpus/asyncapi-spec/3.1.0/correlation-id-asyncapi.yml'),
  path.join(SHARED, 'corpus/asyncapi-studio/3.0.0/tutorials/invalid.yml'),
  // 24 errors in its examples, which Spectral finds only because the resolved document it walks is
  // frozen (nimma treats frozen objects apart): an immer that did not freeze made the parser throw here.
  path.join(SHARED, 'corpus/real/firezone-realtime.yml'),
];

/**
 * In a probe script: whether node-fetch's own code ran, by what it requires (whatwg-url and tr46, in
 * require's cache as `cache`; Node's https).
 */
const fetchLoaded = (cache: string) =>
  `(Object.keys(${cache}).some((k) => k.includes('/whatwg-url/') || k.includes('/tr46/')) || process.moduleLoadList.includes('NativeModule https'))`;

/** What the parser says of each document, in a fresh process, with the lazy schemas (and the native AggregateError) or without. */
function verdicts(lazy: boolean): { read: string[]; judged: unknown[]; wrapped: boolean } {
  const script = `
    import fs from 'node:fs';
    import { createRequire, syncBuiltinESMExports } from 'node:module';
    const read = [];
    const readFileSync = fs.readFileSync;
    fs.readFileSync = function (file, ...rest) { if (String(file).includes('/@asyncapi/specs/schemas/')) read.push(String(file).split('/').pop()); return readFileSync.call(this, file, ...rest); };
    syncBuiltinESMExports();
    let wrapped = false;
    if (${lazy}) {
      (await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/load/lazy-specs.js')).href)})).lazySpecSchemas();
      (await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/load/native-aggregate-error.js')).href)})).nativeAggregateError();
      (await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/load/lazy-node-fetch.js')).href)})).lazyNodeFetch();
      const functions = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/load/lazy-ruleset-functions.js')).href)});
      functions.lazyRulesetFunctions();
      wrapped = functions.rulesetFunctionsAreLazy();
    }
    const fromRoot = createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))});
    const { Parser, fromFile } = fromRoot('@asyncapi/parser');
    const judged = [];
    const seen = new Set();
    for (const file of ${JSON.stringify(DOCS)}) {
      const { document, diagnostics } = await fromFile(new Parser(), file).parse();
      judged.push({ file, document: document === undefined ? null : JSON.stringify(document.json(), (k, v) => (typeof v === 'object' && v !== null && seen.has(v) ? '[seen]' : (v !== null && typeof v === 'object' && seen.add(v), v))), diagnostics: diagnostics.map((d) => ({ code: d.code, message: d.message, path: d.path, severity: d.severity, range: d.range })) });
      seen.clear();
    }
    // Spectral's AggregateError: what the polyfill hands out, and whether the polyfill's own code ran.
    const fromCore = createRequire(createRequire(fromRoot.resolve('@asyncapi/parser')).resolve('@stoplight/spectral-core'));
    const Aggregate = fromCore('es-aggregate-error');
    const made = new Aggregate([new Error('one')], 'both');
    const aggregate = { native: made instanceof AggregateError && made.errors.length === 1 && made.message === 'both', name: Aggregate.name, polyfill: Aggregate.getPolyfill() === AggregateError, shimmed: Object.keys(fromCore.cache).some((k) => k.includes('/es-abstract/')) };
    const fetching = ${fetchLoaded('fromRoot.cache')};
    process.stdout.write(JSON.stringify({ read, judged, wrapped, aggregate, fetching }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as {
    read: string[];
    judged: unknown[];
    wrapped: boolean;
    aggregate: { native: boolean; name: string; polyfill: boolean; shimmed: boolean };
    fetching: boolean;
  };
}

describe.skipIf(requireOrSkip('../shared/corpus', existsSync(DOCS[3]!)))('lazy AsyncAPI schemas and ruleset functions', () => {
  it('change nothing the parser says, and spare the versions no document here declares', () => {
    const eager = verdicts(false);
    const lazy = verdicts(true);
    expect(lazy.wrapped).toBe(true);
    expect(lazy.judged).toEqual(eager.judged);
    expect(eager.read.length).toBeGreaterThanOrEqual(18);
    expect([...new Set(lazy.read)].sort()).toEqual(['2.5.0.json', '2.6.0.json', '3.0.0.json', '3.1.0.json']);
    // es-aggregate-error (src/load/native-aggregate-error.ts): the same class as the polyfill gives, without its code.
    expect(lazy.aggregate).toEqual({ ...eager.aggregate, shimmed: false });
    expect(eager.aggregate).toEqual({ native: true, name: 'AggregateError', polyfill: true, shimmed: true });
    // node-fetch (src/load/lazy-node-fetch.ts): loaded with the parser, and not at all with the stand-ins.
    expect(eager.fetching).toBe(true);
    expect(lazy.fetching).toBe(false);
  }, 120_000);
});

describe('node-fetch stand-ins (src/load/lazy-node-fetch.ts)', () => {
  it('are node-fetch to the code that requires them: it fetches through both copies, then holds the real modules', () => {
    // A process of its own: the stand-ins go into require's cache, which a vitest worker shares between files.
    const script = `
      import { createRequire } from 'node:module';
      import { pathToFileURL } from 'node:url';
      (await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/load/lazy-node-fetch.js')).href)})).lazyNodeFetch();
      const fromParser = createRequire(createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))}).resolve('@asyncapi/parser'));
      const fromReaders = createRequire(fromParser.resolve('@stoplight/json-ref-readers'));
      const fromRuntime = createRequire(createRequire(fromParser.resolve('@stoplight/spectral-core')).resolve('@stoplight/spectral-runtime'));
      const files = [fromReaders.resolve('node-fetch'), fromRuntime.resolve('node-fetch')];
      const standIns = files.map((f) => fromReaders.cache[f].exports);
      // As the requirers load (tslib's __importDefault reads __esModule), nothing of node-fetch's is.
      const esModule = standIns.map((s) => s.__esModule);
      const untouched = !${fetchLoaded('fromReaders.cache')};
      // Node's import of a CommonJS module already in require's cache lists its keys: the module's own.
      const ns = await import(pathToFileURL(files[0]).href);
      const imported = typeof ns.Headers === 'function' && typeof ns.Response === 'function' && typeof ns.default === 'function';
      const http = await import('node:http');
      const server = http.createServer((req, res) => res.end('served ' + req.url));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = 'http://127.0.0.1:' + server.address().port;
      // Through the packages' own code: json-ref-readers' resolveHttp, spectral-runtime's fetch.
      const viaReaders = await fromReaders('@stoplight/json-ref-readers').resolveHttp({ href: () => base + '/readers' });
      const viaRuntime = await (await fromRuntime('@stoplight/spectral-runtime').fetch(base + '/runtime')).text();
      server.close();
      const reals = files.map((f) => fromReaders.cache[f].exports);
      process.stdout.write(JSON.stringify({
        esModule, untouched, imported, viaReaders, viaRuntime,
        replaced: reals.map((r, i) => r !== standIns[i] && typeof r === 'function' && r.default === r),
        forwarded: standIns.map((s, i) => s.Headers === reals[i].Headers && s.default === reals[i] && new s.Headers({ a: '1' }).get('a') === '1'),
        keys: standIns.map((s, i) => JSON.stringify(Reflect.ownKeys(s)) === JSON.stringify(Reflect.ownKeys(reals[i]))),
        copies: new Set(files).size,
      }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({
      esModule: [true, true],
      untouched: true,
      imported: true,
      viaReaders: 'served /readers',
      viaRuntime: 'served /runtime',
      replaced: [true, true],
      forwarded: [true, true],
      keys: [true, true],
      copies: 2,
    });
  }, 60_000);

  it('are in place before loadDocument loads the parser', () => {
    const script = `
      const { loadDocument } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/load/load-document.js')).href)});
      const { document } = await loadDocument('specs/system.yaml', ${JSON.stringify(ROOT)});
      const cache = (await import('node:module')).createRequire(import.meta.url).cache;
      process.stdout.write(JSON.stringify({
        read: document.channels().length > 0,
        parser: Object.keys(cache).some((k) => k.includes('/@asyncapi/parser/')),
        fetching: ${fetchLoaded('cache')},
      }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({ read: true, parser: true, fetching: false });
  }, 60_000);
});
