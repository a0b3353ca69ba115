/**
 * `tsc <args>` run in `cwd`: its exit status and what it prints, as the real command gives them
 * (test/helpers/tsc-core.mjs). Under vitest the suite's one type-check server answers
 * (test/global-setup.ts starts it and names it in CHANX_GEN_TSC_SERVER), so the declaration files
 * every compilation shares are read and checked once per run; elsewhere (scripts/corpus-report.ts)
 * the same code runs in this process.
 */
import { createChecker } from './tsc-core.mjs';

export interface TscRun {
  /** 0 when tsc reports nothing; 1 or 2 (tsc's codes) when it reports an error. */
  code: number;
  /** What tsc prints: one `file(line,col): error TSn: message` per diagnostic, paths relative to `cwd`. */
  output: string;
}

let local: { run(args: string[], cwd: string): TscRun } | undefined;

export async function tsc(args: string[], cwd: string = process.cwd()): Promise<TscRun> {
  const server = process.env['CHANX_GEN_TSC_SERVER'];
  if (server === undefined) return (local ??= createChecker()).run(args, cwd);
  const res = await fetch(server, { method: 'POST', body: JSON.stringify({ args, cwd }) });
  if (!res.ok) throw new Error(`tsc server answered ${res.status}`);
  return (await res.json()) as TscRun;
}
