/** Types of tsc-core.mjs (plain JavaScript so that node runs the server without a TypeScript loader). */
export interface Checker {
  run(args: string[], cwd: string): { code: number; output: string };
  stats: { runs: number; libHits: number; libMisses: number; fullChecks: number };
}
export function createChecker(): Checker;
