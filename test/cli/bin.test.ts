/**
 * bin/chanx-gen.js on whatever Node runs the tests: it tunes V8 before anything else (an interrupt
 * budget on Node 20), and a flag this Node's V8 does not know would be printed on stderr by V8
 * itself on every run. test/cli/code-cache.test.ts checks a whole generation's stderr on Node 20 only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

it('prints its version and nothing on stderr', () => {
  const done = spawnSync(process.execPath, [path.join(ROOT, 'bin/chanx-gen.js'), '--version'], { cwd: ROOT, encoding: 'utf8' });
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  expect({ code: done.status, stdout: done.stdout.trim(), stderr: done.stderr }).toEqual({ code: 0, stdout: version, stderr: '' });
});
