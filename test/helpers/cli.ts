/** Runs the CLI in process on a scratch folder, capturing what it prints. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { run } from '../../src/cli.js';
import { tsc } from './tsc.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], cwd: string): Promise<CliRun> {
  if (REPLAY_GENERATIONS) return replayed(args, cwd);
  let stdout = '';
  let stderr = '';
  const code = await run(args, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/**
 * Mutation testing of src/runtime alone (MUTATE_SCOPE=runtime, see stryker.config.mjs): the
 * generator is not mutated, so a run over the same arguments and the same folder contents writes
 * the same files. Each is run once per Stryker sandbox and replayed from .scratch/cli-cache after
 * that: generating in beforeAll for every mutant was most of a runtime mutant's time.
 */
const REPLAY_GENERATIONS = process.env.MUTATE_SCOPE === 'runtime';

interface Replay {
  result: CliRun;
  files: Record<string, string>;
  removed: string[];
}

async function replayed(args: string[], cwd: string): Promise<CliRun> {
  const before = snapshotTree(cwd);
  const key = createHash('sha256')
    .update(JSON.stringify([args, before]))
    .digest('hex');
  const file = path.join(ROOT, '.scratch', 'cli-cache', `${key}.json`);
  if (existsSync(file)) {
    const replay = JSON.parse(readFileSync(file, 'utf8')) as Replay;
    for (const [rel, text] of Object.entries(replay.files)) write(path.join(cwd, rel), text);
    for (const rel of replay.removed) rmSync(path.join(cwd, rel), { force: true });
    return replay.result;
  }
  let stdout = '';
  let stderr = '';
  const code = await run(args, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  const after = snapshotTree(cwd);
  const replay: Replay = {
    result: { code, stdout, stderr },
    files: Object.fromEntries(Object.entries(after).filter(([rel, text]) => before[rel] !== text)),
    removed: Object.keys(before).filter((rel) => !(rel in after)),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(replay));
  renameSync(temp, file); // another runner may write the same answer at the same time
  return replay.result;
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

/** Mutation testing (vitest.mutate.config.ts) skips tsc: what only tsc catches counts as surviving. */
export const TSC_SKIPPED = process.env.CHANX_GEN_MUTATING === '1';

/** Type-checks `outDir` (inside a scratch folder) with tsc --strict, module nodenext; returns tsc's complaints. */
export async function typecheck(outDir: string): Promise<string> {
  if (TSC_SKIPPED) return '';
  const config = path.join(outDir, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, types: ['node'] }, include: ['.'] }),
  );
  return (await tsc(['-p', config])).output;
}

/**
 * One tsc --strict run (as typecheck) over several generated trees below `root`. Returns, for a
 * tree, tsc's complaints about files in it; a complaint that names no tree (a broken configuration,
 * say) is returned for every tree, so it fails every test that asks.
 */
export async function typecheckTrees(root: string, trees: string[]): Promise<(tree: string) => string> {
  if (TSC_SKIPPED) return () => '';
  const config = path.join(root, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, types: ['node'] },
      include: trees.map((t) => path.relative(root, t).split(path.sep).join('/')),
    }),
  );
  const out = (await tsc(['-p', config])).output;
  // A complaint is a line that starts a message (not indented) with the lines indented below it.
  const complaints: string[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    if (/^\s/.test(line) && complaints.length > 0) complaints[complaints.length - 1] += `\n${line}`;
    else complaints.push(line);
  }
  const own = (tree: string) => {
    const rel = path.relative(process.cwd(), tree).split(path.sep).join('/');
    return (c: string) => c.startsWith(`${rel}/`) || c.startsWith(`${tree}/`);
  };
  const stray = complaints.filter((c) => !trees.some((t) => own(t)(c)));
  return (tree) => [...complaints.filter(own(tree)), ...stray].join('\n');
}

export function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
