/**
 * Where chanx-gen keeps what it may reuse across runs: node_modules/.cache/<name> of the working
 * directory (never committed, gone with a fresh install). Undefined when there is no node_modules:
 * then nothing is kept.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function cacheRoot(cwd: string, name: string): string | undefined {
  const modules = path.join(cwd, 'node_modules');
  return existsSync(modules) ? path.join(modules, '.cache', name) : undefined;
}
