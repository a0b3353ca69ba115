/**
 * The test suite as Stryker runs it (npm run mutate): room for a loaded machine (two runners at
 * once), and no tsc runs (CHANX_GEN_MUTATING: typecheck() in test/helpers/cli.ts answers '' without
 * compiling), since a full tsc per mutant would take hours; a mutant only tsc could catch is counted
 * as a survivor, never as killed. Tests that cannot reach the mutated folders are left out unless
 * src/model is mutated too (MUTATE_MODEL=1). MUTATE_TESTS=glob,glob runs only those test files
 * (fewer tests can only kill fewer mutants: a faster run's score is a lower bound).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

process.env.CHANX_GEN_MUTATING = '1';
const model = process.env.MUTATE_MODEL === '1';
const only = process.env.MUTATE_TESTS;

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: only ? only.split(',') : base.test!.include!,
    exclude: ['**/node_modules/**', 'test/corpus.test.ts', ...(model ? [] : ['test/model/**', 'test/emit/**'])],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
