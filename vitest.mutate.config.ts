/**
 * The test suite as Stryker runs it (npm run mutate): room for a loaded machine (two runners at
 * once), and no tsc runs (CHANX_GEN_MUTATING: typecheck() in test/helpers/cli.ts answers '' without
 * compiling), since a full tsc per mutant would take hours; a mutant only tsc could catch is counted
 * as a survivor, never as killed. Tests that cannot reach the mutated folder (MUTATE_SCOPE, see
 * stryker.config.mjs) are left out. MUTATE_TESTS=glob,glob runs only those test files
 * (fewer tests can only kill fewer mutants: a faster run's score is a lower bound).
 */
import { defineConfig } from 'vitest/config';
import base, { ALL, EXCLUDE } from './vitest.config.js';

process.env.CHANX_GEN_MUTATING = '1';
const scope = (process.env.MUTATE_SCOPE ??= 'runtime');
const model = scope === 'model';
const only = process.env.MUTATE_TESTS;
// Tests of the generator alone (the CLI, stub merging, the loader) cannot reach src/runtime. The
// browser tests can, but start Chromium for every mutant they cover (seconds each), and what they
// run in the page is invisible to Stryker; the server side they reach is covered by node tests.
// Nor do the browser tests reach src/write: they load the committed generated/ code.
const generatorOnly = scope === 'runtime' ? ['test/cli/**', 'test/write/**', 'test/load/**', 'test/browser/**'] : ['test/browser/**'];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // One project: Stryker runs its own runners side by side.
    projects: undefined,
    include: only ? only.split(',') : ALL,
    // The packaging test (npm pack and install in child processes) and the differential loader test
    // reach neither src/runtime nor src/write in this process: they only cost time.
    exclude: [
      ...EXCLUDE,
      'test/corpus.test.ts',
      'test/package/**',
      'test/load/differential.test.ts',
      ...generatorOnly,
      ...(model ? [] : ['test/model/**', 'test/emit/**']),
    ],
    // A mutant that makes a test wait forever (an upgrade never answered, a close that never comes)
    // fails that test here, killed, instead of costing Stryker's own timeout and a runner restart
    // (about 30 s each, most of a run's time), and so does a hook left waiting by such a test.
    // Tests slower than this by design set their own.
    testTimeout: 10_000,
    hookTimeout: 15_000,
  },
});
