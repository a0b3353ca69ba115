/**
 * The diff `--check` prints for each drifted file: a git-style unified diff with three lines of
 * context that `git apply` / `patch -p1` accept, with /dev/null for a missing or orphaned file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/write/unified-diff.js';
import { cli, scratch, write } from '../helpers/cli.js';

const TWELVE = Array.from({ length: 12 }, (_, i) => `line ${i + 1}\n`).join('');

describe('unifiedDiff', () => {
  it('shows an edit with three lines of context on each side and a/ b/ paths', () => {
    const diff = unifiedDiff({ kind: 'update', path: 'system/a.ts', before: TWELVE, after: TWELVE.replace('line 6\n', 'line six\n') }, 'generated');
    expect(diff).toBe(
      '--- a/generated/system/a.ts\n+++ b/generated/system/a.ts\n@@ -3,7 +3,7 @@\n line 3\n line 4\n line 5\n-line 6\n+line six\n line 7\n line 8\n line 9\n',
    );
  });

  it('shows a missing file as created from /dev/null', () => {
    expect(unifiedDiff({ kind: 'add', path: 'a.ts', before: '', after: 'x\ny\n' }, 'out')).toBe('--- /dev/null\n+++ b/out/a.ts\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  });

  it('shows an orphan as deleted to /dev/null', () => {
    expect(unifiedDiff({ kind: 'remove', path: 'old/a.ts', before: 'x\ny\n', after: '' }, 'out')).toBe(
      '--- a/out/old/a.ts\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n',
    );
  });
});

describe('chanx-gen --check', () => {
  it('prints exactly the diff that undoes a hand edit of a generated file', async () => {
    const dir = scratch(['specs']);
    expect((await cli(['specs/system.yaml'], dir)).code).toBe(0);
    const file = path.join(dir, 'generated/system/router.ts');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes("case 'ping':"));
    expect(at).toBeGreaterThan(3);
    const edited = [...lines];
    edited[at] = lines[at]!.replace("'ping'", "'pong'");
    write(file, edited.join('\n'));

    const check = await cli(['specs/system.yaml', '--check'], dir);
    expect(check.code).toBe(1);
    const context = (from: number, to: number) =>
      lines
        .slice(from, to)
        .map((l) => ` ${l}\n`)
        .join('');
    expect(check.stdout).toBe(
      '--- a/generated/system/router.ts\n+++ b/generated/system/router.ts\n' +
        `@@ -${at - 2},7 +${at - 2},7 @@\n${context(at - 3, at)}-${edited[at]}\n+${lines[at]}\n${context(at + 1, at + 4)}`,
    );
    expect(check.stderr).toBe(
      'differs: generated/system/router.ts\nchanx-gen: generated/ has drifted from specs/system.yaml (1 file); run chanx-gen specs/system.yaml to update\n',
    );
  });
});
