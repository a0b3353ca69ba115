/** Scratch folders of a test run live under .scratch/; each run starts and ends without them. */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const scratchRoot = fileURLToPath(new URL('../.scratch', import.meta.url));

// Under mutation testing (npm run mutate) several runners share one sandbox: one must not remove
// another's scratch folders; Stryker removes the whole sandbox afterwards.
const shared = process.env.STRYKER_MUTATOR_WORKER !== undefined;

export function setup(): void {
  if (!shared) rmSync(scratchRoot, { recursive: true, force: true });
}

export function teardown(): void {
  if (!shared) rmSync(scratchRoot, { recursive: true, force: true });
}
