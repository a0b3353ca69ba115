/** Scratch folders of a test run live under .scratch/; each run starts and ends without them. */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const scratchRoot = fileURLToPath(new URL('../.scratch', import.meta.url));

export function setup(): void {
  rmSync(scratchRoot, { recursive: true, force: true });
}

export function teardown(): void {
  rmSync(scratchRoot, { recursive: true, force: true });
}
