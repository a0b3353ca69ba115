/**
 * Differential fuzzing (issue #12, DESIGN §12): seeded mutations of the corpus documents, judged by
 * chanx-gen's loader and by @asyncapi/parser as shipped. Both must give the same verdict, the same
 * model where both accept, and chanx-gen a located error where both refuse; nothing may crash.
 * Where both accept, the emit step runs too (issue 21 item 5): the code it generates compiles under
 * tsc --strict, or it refuses at a location for a reason the README lists.
 * The kinds of mutation take turns, so the 40 variants of `npm test` try each of them about twice;
 * CHANX_FUZZ=<variants> (and CHANX_FUZZ_SEED=<n>) runs a longer or different campaign (`npm run fuzz`).
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { scratch } from '../helpers/cli.js';
import { corpusDocs } from '../helpers/corpus.js';
import { requireOrSkip } from '../helpers/require.js';
import { runDifferential, type DifferentialResult } from './differential.js';
import { MUTATION_KINDS } from './mutations.js';

const VARIANTS = Number(process.env['CHANX_FUZZ'] ?? 40);
const SEED = Number(process.env['CHANX_FUZZ_SEED'] ?? 12);
const docs = corpusDocs();

describe.skipIf(requireOrSkip('shared/corpus (MANIFEST.tsv)', docs.length > 0))('differential run against @asyncapi/parser', () => {
  const dir = scratch();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let result: DifferentialResult;

  it(
    `agrees on ${VARIANTS} mutated corpus documents (seed ${SEED})`,
    async () => {
      result = await runDifferential({ seed: SEED, variants: VARIANTS, dir, emit: true });
      console.log(
        `differential: ${result.variants} variants, ${result.accepted} accepted (${result.emitted} generated and compiled), ${result.refused} refused, ${result.parserThrew.length} on which the parser threw, ${result.disagreements.length} disagreements; ${Object.keys(result.kinds).length} of ${MUTATION_KINDS.length} kinds of mutation`,
      );
      expect(result.disagreements).toEqual([]);
    },
    Math.max(300_000, VARIANTS * 5_000),
  );

  it('mutates enough to matter: every kind of mutation, and both verdicts often', () => {
    expect(result.variants).toBe(VARIANTS);
    if (VARIANTS >= MUTATION_KINDS.length) expect(Object.keys(result.kinds).sort()).toEqual([...MUTATION_KINDS].sort());
    expect(result.accepted).toBeGreaterThan(VARIANTS / 10);
    expect(result.emitted).toBeGreaterThan(VARIANTS / 20);
    expect(result.refused).toBeGreaterThan(VARIANTS / 5);
  });
});
