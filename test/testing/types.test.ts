/**
 * Compile-time proof (tsc over test/testing/types/usage.ts) that a test client is typed from the
 * document: receiveAll gives the channel's server-to-client union plus error frames, receiveNext
 * narrows by name, and a message the channel does not accept does not compile.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

it('the testing kit keeps the generated types and refuses what the channel does not accept', { timeout: 180_000 }, () => {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const args = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, ...args, '--types', 'node', 'test/testing/types/usage.ts'], { cwd: ROOT, encoding: 'utf8' });
  } catch (err) {
    output = String((err as { stdout?: string }).stdout ?? err);
  }
  // An @ts-expect-error line that compiled would be reported as "Unused '@ts-expect-error' directive".
  expect(output).toBe('');
});
