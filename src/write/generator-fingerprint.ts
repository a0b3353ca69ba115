/**
 * What identifies the installed generator for the `--check` cache (check-cache.ts): a cache written
 * by another build of chanx-gen must never vouch for a tree, since that build may write other bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listFiles } from './plan.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const VALIDATORS = 'asyncapi-validators/';

/**
 * A hash of the chanx-gen installed at `root`: its package.json, compiled code (dist/) and
 * templates, in path order. Source maps and type declarations are left out: they change nothing
 * that is written. The precompiled AsyncAPI validators (~9 MB, most of dist/) count through the
 * digest of them that the build writes into their stamp.json beside them (only that build step
 * writes either); a stamp without one, and so any validator, is hashed byte by byte.
 */
export function generatorFingerprint(root: string): string {
  const h = createHash('sha256');
  h.update(readFileSync(path.join(root, 'package.json')));
  const digested = validatorsDigested(path.join(root, 'dist', VALIDATORS, 'stamp.json'));
  for (const dir of ['dist', 'templates']) {
    for (const rel of listFiles(path.join(root, dir)).sort()) {
      if (rel.endsWith('.map') || rel.endsWith('.d.ts')) continue;
      if (digested && dir === 'dist' && rel.startsWith(VALIDATORS) && rel.endsWith('.cjs')) continue;
      h.update(rel).update(readFileSync(path.join(root, dir, rel)));
    }
  }
  return h.digest('hex');
}

function validatorsDigested(stamp: string): boolean {
  try {
    return typeof (JSON.parse(readFileSync(stamp, 'utf8')) as { validators?: unknown }).validators === 'string';
  } catch {
    return false;
  }
}

let own: string | undefined;

/** The running generator's fingerprint, computed once: its code cannot change while it runs. */
export function ownFingerprint(): string {
  return (own ??= generatorFingerprint(PACKAGE_ROOT));
}
