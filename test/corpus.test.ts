/**
 * Every public document in ../shared/corpus and every Chanx document: valid ones generate code that
 * compiles under tsc --strict; invalid ones exit 2 with file:line:col and write nothing.
 * Where shared/ is absent the tests are skipped, never passed; under CI they fail.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratch, typecheck } from './helpers/cli.js';
import { corpusDocs, runCorpus, SHARED, type CorpusResult } from './helpers/corpus.js';
import { requireOrSkip } from './helpers/require.js';
import { judgeBoth } from './load/differential.js';

const docs = corpusDocs();

describe.skipIf(requireOrSkip('../shared/corpus (MANIFEST.tsv)', docs.length > 0))('corpus', () => {
  let results: CorpusResult[];
  let outRoot: string;
  beforeAll(async () => {
    outRoot = scratch();
    results = await runCorpus(docs, outRoot);
  }, 300_000);

  it('has the documents the manifest lists', () => expect(docs.length).toBeGreaterThanOrEqual(70));

  it('generates every valid document', () => {
    const failed = results.filter((r) => r.manifest === 'valid' && r.code !== 0).map((r) => `${r.file}: ${r.firstError}`);
    expect(failed).toEqual([]);
  });

  it('refuses every invalid document with a location, writing nothing', () => {
    const invalid = results.filter((r) => r.manifest !== 'valid');
    expect(invalid.length).toBeGreaterThan(0);
    for (const r of invalid) {
      expect({ file: r.file, code: r.code }).toEqual({ file: r.file, code: 2 });
      expect(r.firstError).toMatch(/^[^:\s]+:\d+:\d+: error: /);
      expect(existsSync(r.out)).toBe(false);
    }
  });

  it('compiles everything it generated under tsc --strict, module nodenext', async () => {
    expect(results.filter((r) => r.code === 0).length).toBeGreaterThan(50);
    expect(await typecheck(outRoot)).toBe('');
  }, 120_000);

  it('judges every document as @asyncapi/parser does: the same verdict, the same model, its errors at its lines', async () => {
    const disagreements: string[] = [];
    for (const doc of docs) {
      const file = path.join(SHARED, doc.file);
      const judged = await judgeBoth(path.dirname(file), path.basename(file), readFileSync(file, 'utf8'), doc.file);
      if (judged.disagreement !== undefined) disagreements.push(judged.disagreement);
    }
    expect(disagreements).toEqual([]);
  }, 600_000);

  it('mounts every channel of the Chanx sandbox but its two topics', () => {
    const sandbox = results.find((r) => r.file === 'chanx/fastapi-sandbox.asyncapi.yaml');
    expect(sandbox?.channels).toBe(9);
    expect(path.basename(sandbox!.out)).toBe('chanx_fastapi_sandbox_asyncapi_yaml');
  });
});
