// @ts-check
/**
 * StrykerJS over src/runtime and src/write, as two runs (`npm run mutate` does both): MUTATE_SCOPE is
 * `runtime` or `write`. Each run writes its own standard JSON report (reports/mutation/<scope>.json,
 * ignored by git); `npm run mutate:score` reads both. Two runs because the runtime's tests may then
 * replay generations from a cache (test/helpers/cli.ts: the generator is not mutated in that run),
 * which the write run must never do. MUTATE_SCOPE=model mutates src/model (slow; not in npm run mutate).
 */
const scope = process.env.MUTATE_SCOPE ?? 'runtime';
const folders = { runtime: ['src/runtime/**/*.ts'], write: ['src/write/**/*.ts'], model: ['src/model/**/*.ts'] };
if (!(scope in folders)) throw new Error(`MUTATE_SCOPE must be one of ${Object.keys(folders).join(', ')}, got ${scope}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // related off: with it on, the dry run keeps only test files that import src/ statically, and
  // every test that loads generated code with import() never counts.
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: folders[/** @type {keyof typeof folders} */ (scope)],
  coverageAnalysis: 'perTest',
  // Module-level code runs once per test runner: its mutants cannot be switched on per test.
  ignoreStatic: true,
  disableTypeChecks: 'src/**/*.ts',
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  incremental: true,
  incrementalFile: `reports/mutation/${scope}-incremental.json`,
  concurrency: 2,
  timeoutMS: 3000,
  timeoutFactor: 1.5,
  dryRunTimeoutMinutes: 30,
  tempDirName: `.stryker-tmp-${scope}`,
  cleanTempDir: 'always',
  ignorePatterns: ['/.bench', '/.scratch', '/.stryker-tmp*', '/coverage', '/reports', '/scratch'],
};
