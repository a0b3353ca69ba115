/**
 * Compile-time proof (tsc over test/client/types/usage.ts): a wrong action, a wrong payload field
 * type and a missing path parameter do not compile, and correct use does.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

it('the generated client refuses wrong actions, payloads and path parameters at compile time', { timeout: 180_000 }, () => {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const args = [
    '--noEmit',
    '--strict',
    '--skipLibCheck',
    '--target',
    'es2022',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--types',
    'node',
    'test/client/types/usage.ts',
  ];
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, ...args], { cwd: ROOT, encoding: 'utf8' });
  } catch (err) {
    output = String((err as { stdout?: string }).stdout ?? err);
  }
  // An @ts-expect-error line that compiled would be reported as "Unused '@ts-expect-error' directive".
  expect(output).toBe('');
});
