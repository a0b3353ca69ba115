/**
 * applyPlan: the only code that changes the output folder. It writes every addition and update,
 * removes orphans and the folders they leave empty (never the output folder itself, never a
 * folder that still holds something), and on a failure leaves the folder as it was.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/load/diagnostics.js';
import { applyPlan } from '../../src/write/apply-plan.js';
import type { Change } from '../../src/write/plan.js';
import { scratch, snapshotTree, write } from '../helpers/cli.js';

function outDir(files: Record<string, string>): { cwd: string; out: string } {
  const cwd = scratch();
  const out = path.join(cwd, 'gen');
  mkdirSync(out);
  for (const [rel, text] of Object.entries(files)) write(path.join(out, rel), text);
  return { cwd, out };
}

const remove = (p: string, before = 'old'): Change => ({ kind: 'remove', path: p, before, after: '' });

describe('applyPlan', () => {
  it('writes additions and updates, removes orphans, and leaves everything else as it was', () => {
    const { cwd, out } = outDir({ 'keep.ts': 'keep', 'upd.ts': 'old', 'gone.ts': 'old' });
    applyPlan(
      {
        outDir: out,
        changes: [
          { kind: 'add', path: 'new/deep/a.ts', before: '', after: 'a' },
          remove('gone.ts'),
          { kind: 'update', path: 'upd.ts', before: 'old', after: 'new' },
        ],
        unchanged: 1,
        notes: [],
      },
      cwd,
    );
    expect(snapshotTree(out)).toEqual({ 'keep.ts': 'keep', 'new/deep/a.ts': 'a', 'upd.ts': 'new' });
  });

  it('removes the folders an orphan leaves empty, up to but not including the output folder', () => {
    const { cwd, out } = outDir({ 'old/deep/router.ts': 'old' });
    applyPlan({ outDir: out, changes: [remove('old/deep/router.ts')], unchanged: 0, notes: [] }, cwd);
    expect(existsSync(out)).toBe(true);
    expect(readdirSync(out)).toEqual([]);
  });

  it('keeps a folder that still holds another file', () => {
    const { cwd, out } = outDir({ 'old/deep/router.ts': 'old', 'old/mine.ts': 'mine' });
    applyPlan({ outDir: out, changes: [remove('old/deep/router.ts')], unchanged: 0, notes: [] }, cwd);
    expect(snapshotTree(out)).toEqual({ 'old/mine.ts': 'mine' });
  });

  it('on a failure to write, throws a located error and leaves the folder (and no temporary file) behind', () => {
    const { cwd, out } = outDir({ 'a.ts': 'old a', blocked: 'a file where a folder must go', 'gone.ts': 'old' });
    const before = snapshotTree(out);
    let error: unknown;
    try {
      applyPlan(
        {
          outDir: out,
          changes: [
            { kind: 'update', path: 'a.ts', before: 'old a', after: 'new a' },
            { kind: 'add', path: 'blocked/b.ts', before: '', after: 'b' },
            remove('gone.ts'),
          ],
          unchanged: 0,
          notes: [],
        },
        cwd,
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    // The file in the way is named, not the file that could not be written below it.
    expect((error as InputError).message).toBe('gen/blocked: error: is a file, where chanx-gen needs a folder (to write gen/blocked/b.ts)');
    expect(snapshotTree(out)).toEqual(before);
  });
});
