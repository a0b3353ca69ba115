/** Runs the CLI in process on a scratch folder, capturing what it prints. */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { run } from '../../src/cli.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/**
 * A fresh folder inside the repository (under .scratch/, ignored by git) so that generated code in it
 * resolves chanx-gen/runtime as a user's project would; with `files`, those repo paths copied in.
 */
export function scratch(files: string[] = []): string {
  mkdirSync(path.join(ROOT, '.scratch'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, '.scratch', 'case-'));
  for (const f of files) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  return dir;
}

/** Every file below `dir` with its content, for comparing whole trees. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const abs = path.join(d, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      if (statSync(abs).isDirectory()) walk(abs, r);
      else out[r] = readFileSync(abs, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

/** Type-checks `outDir` (inside a scratch folder) with tsc --strict, module nodenext; returns tsc's complaints. */
/** Mutation testing (vitest.mutate.config.ts) skips tsc: what only tsc catches counts as surviving. */
export const TSC_SKIPPED = process.env.CHANX_GEN_MUTATING === '1';

export function typecheck(outDir: string): string {
  if (TSC_SKIPPED) return '';
  const config = path.join(outDir, 'tsconfig.json');
  writeFileSync(config, JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, types: ['node'] }, include: ['.'] }));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], { encoding: 'utf8' });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

export function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
