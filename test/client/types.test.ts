/**
 * Compile-time proof (tsc over test/client/types/usage.ts): a wrong action, a wrong payload field
 * type and a missing path parameter do not compile, and correct use does.
 */
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { tsc } from '../helpers/tsc.js';

it('the generated client refuses wrong actions, payloads and path parameters at compile time', { timeout: 180_000 }, async () => {
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
  const { output } = await tsc(args, ROOT);
  // An @ts-expect-error line that compiled would be reported as "Unused '@ts-expect-error' directive".
  expect(output).toBe('');
});
