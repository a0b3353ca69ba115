/**
 * Compile-time proof (tsc over test/testing/types/usage.ts) that a test client is typed from the
 * document: receiveAll gives the channel's server-to-client union plus error frames, receiveNext
 * narrows by name, and a message the channel does not accept does not compile.
 */
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { tsc } from '../helpers/tsc.js';

it('the testing kit keeps the generated types and refuses what the channel does not accept', { timeout: 180_000 }, async () => {
  const args = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
  const { output } = await tsc([...args, '--types', 'node', 'test/testing/types/usage.ts'], ROOT);
  // An @ts-expect-error line that compiled would be reported as "Unused '@ts-expect-error' directive".
  expect(output).toBe('');
});
