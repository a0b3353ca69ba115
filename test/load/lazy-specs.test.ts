/**
 * The AsyncAPI schemas and Spectral's ruleset functions made lazy (src/load/lazy-specs.ts,
 * src/load/lazy-ruleset-functions.ts), and the polyfill of AggregateError replaced by what it hands
 * out (src/load/native-aggregate-error.ts), must change nothing the parser says: the unmodified parser,
 * in a process of its own with and without them, gives the same diagnostics and
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
  path.join(SHARED, 'corpus/asyncapi-spec/3.0.0/adeo-kafka-request-reply-asyncapi.yml'),
  path.join(SHARED, 'corpus/asyncapi-spec/3.1.0/adeo-kafka-request-reply-asyncapi.yml'),
  path.join(SHARED, 'corpus/asyncapi-studio/3.0.0/tutorials/invalid.yml'),
  // 24 errors in its examples, which Spectral finds only because the resolved document it walks is
  // frozen (nimma treats frozen objects apart): an immer that did not freeze made the parser throw here.
  path.join(SHARED, 'corpus/real/firezone-realtime.yml'),
];

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
    process.stdout.write(JSON.stringify({ read, judged, wrapped, aggregate }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as {
    read: string[];
    judged: unknown[];
    wrapped: boolean;
    aggregate: { native: boolean; name: string; polyfill: boolean; shimmed: boolean };
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
  }, 120_000);
});
