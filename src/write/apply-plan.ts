/**
 * The only code that changes the output folder. Every new file is first written beside its target
 * under a temporary name; only when all of them are written are they renamed into place (a rename
 * is atomic), then orphans are removed. Any failure before the renames leaves the old output as it was.
 */
import { mkdirSync, readdirSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../load/diagnostics.js';
import { displayPath } from '../load/display-path.js';
import type { Plan } from './plan.js';

/** Throws InputError (exit 2) naming the file when the output folder cannot be written. */
export function applyPlan(plan: Plan, cwd = process.cwd()): void {
  const staged: { temp: string; target: string }[] = [];
  let target = plan.outDir;
  try {
    for (const change of plan.changes) {
      if (change.kind === 'remove') continue;
      target = path.join(plan.outDir, change.path);
      mkdirSync(path.dirname(target), { recursive: true });
      const temp = `${target}.chanx-gen-${process.pid}.tmp`;
      writeFileSync(temp, change.after);
      staged.push({ temp, target });
    }
  } catch (err) {
    for (const { temp } of staged) tryUnlink(temp);
    const file = fileInTheWay(path.dirname(target));
    if (file !== undefined) throw inputError(displayPath(file, cwd), `is a file, where chanx-gen needs a folder (to write ${displayPath(target, cwd)})`);
    throw inputError(displayPath(target, cwd), `cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)}); the output folder was left as it was`);
  }
  for (const { temp, target } of staged) renameSync(temp, target);
  for (const change of plan.changes) {
    if (change.kind !== 'remove') continue;
    const target = path.join(plan.outDir, change.path);
    tryUnlink(target);
    removeEmptyParents(path.dirname(target), plan.outDir);
  }
}

/** The nearest of `dir` and the folders above it that exists, if that is not a folder (`-o` naming a file). */
function fileInTheWay(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      return statSync(d).isDirectory() ? undefined : d;
    } catch {
      if (path.dirname(d) === d) return undefined;
    }
  }
}

function tryUnlink(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function removeEmptyParents(dir: string, root: string): void {
  for (let d = dir; d.startsWith(root) && d !== root; d = path.dirname(d)) {
    if (readdirSync(d).length > 0) return;
    rmdirSync(d);
  }
}
