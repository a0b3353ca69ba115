/**
 * A shortcut for `--check` on an unchanged tree: what the last generation (or clean check) produced,
 * kept in node_modules/.cache/chanx-gen (never committed). The shortcut answers "up to date" only
 * when the generator's own code, the options, the bytes of every input and of every output
 * (stubs included) are the same as then, the parse of each stub then found every handler, and no
 * other generated file has appeared;
 * anything else falls through to the full pipeline, which is the only thing that reports drift.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_MARKER, type GeneratedFile } from '../emit/generated-file.js';
import { classMembers, knownMembers, learnMembers, membersKey, seedMembers, type Members } from './class-members.js';
import { formerHandlers } from './merge-stub.js';
import { listFiles } from './plan.js';

interface Entry {
  generator: string;
  options: string;
  /** Raw sha256 of the spec and every file it references (same bytes: same inputs, no YAML parse needed). */
  sources: Record<string, string>;
  files: Record<string, string>;
  /** Each stub: the handlers it must have, and what the parse found in it (keyed by its bytes). */
  stubs: Record<string, StubNote>;
}

interface StubNote {
  className: string;
  wanted: string[];
  /** membersKey of the stub as it was on disk. */
  key: string;
  members: Members;
}

export interface CacheKey {
  cwd: string;
  spec: string;
  outDir: string;
  /** Everything besides the inputs that changes the output (e.g. --discriminator). */
  options: string;
}

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
let generatorHash: string | undefined;

/** A hash of the generator itself: its compiled code, templates and version. */
function generatorFingerprint(): string {
  if (generatorHash !== undefined) return generatorHash;
  const h = createHash('sha256');
  h.update(readFileSync(path.join(PACKAGE_ROOT, 'package.json')));
  for (const dir of ['dist', 'templates']) {
    for (const rel of listFiles(path.join(PACKAGE_ROOT, dir)).sort()) {
      if (rel.endsWith('.map') || rel.endsWith('.d.ts')) continue;
      h.update(rel).update(readFileSync(path.join(PACKAGE_ROOT, dir, rel)));
    }
  }
  return (generatorHash = h.digest('hex'));
}

function cacheFile(key: CacheKey): string | undefined {
  const modules = path.join(key.cwd, 'node_modules');
  if (!existsSync(modules)) return undefined;
  return path.join(modules, '.cache', 'chanx-gen', `${createHash('sha256').update(key.outDir).digest('hex').slice(0, 32)}.json`);
}

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Records what is now on disk for `files` (after a generation or a clean full check). */
export function remember(key: CacheKey, inputs: readonly string[], files: readonly GeneratedFile[]): void {
  const file = cacheFile(key);
  if (file === undefined) return;
  const sources = Object.fromEntries(inputs.map((abs) => [abs, sha(readFileSync(abs))]));
  const entry: Entry = { generator: generatorFingerprint(), options: key.options, sources, files: {}, stubs: {} };
  for (const f of files) {
    if (f.kind !== 'stub') {
      entry.files[f.path] = sha(f.content);
      continue;
    }
    const wanted = f.methods.map((m) => m.name);
    let text: string;
    try {
      text = readFileSync(path.join(key.outDir, f.path), 'utf8');
    } catch {
      continue; // not on disk: nothing to vouch for, the next check runs in full
    }
    // A stub just created from the template declares its handlers by construction (the golden
    // tests parse and compile it); anything else is what the parse of its bytes found.
    if (text === f.content && knownMembers(text, f.className) === undefined) learnMembers(text, f.className, wanted);
    entry.stubs[f.path] = { className: f.className, wanted, key: membersKey(text, f.className), members: classMembers(text, f.className) };
  }
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(entry));
  } catch {
    // a cache that cannot be written is only slower
  }
}

/** Undefined when the shortcut cannot vouch for the tree; else the notes a full check would print. */
export function upToDate(key: CacheKey): { notes: string[] } | undefined {
  const file = cacheFile(key);
  if (file === undefined || !existsSync(file)) return undefined;
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    if (entry.generator !== generatorFingerprint() || entry.options !== key.options) return undefined;
    if (!Object.keys(entry.sources).includes(path.resolve(key.cwd, key.spec))) return undefined;
    for (const [abs, hash] of Object.entries(entry.sources)) if (sha(readFileSync(abs)) !== hash) return undefined;
    for (const [rel, hash] of Object.entries(entry.files)) if (sha(readFileSync(path.join(key.outDir, rel))) !== hash) return undefined;
    const notes: string[] = [];
    for (const [rel, stub] of Object.entries(entry.stubs)) {
      const file = readFileSync(path.join(key.outDir, rel), 'utf8');
      // Only what a parse of these very bytes found counts; an edited stub goes to the full check.
      const { members } = stub;
      if (membersKey(file, stub.className) !== stub.key || members === null) return undefined;
      if (!stub.wanted.every((m) => members.includes(m))) return undefined;
      for (const name of formerHandlers(members, stub.wanted)) notes.push(`${rel}: ${name} is no longer in the document; kept (delete it when you no longer need it)`);
    }
    const known = new Set([...Object.keys(entry.files), ...Object.keys(entry.stubs)]);
    for (const rel of listFiles(key.outDir)) {
      if (!known.has(rel) && readFileSync(path.join(key.outDir, rel), 'utf8').startsWith(GENERATED_MARKER)) return undefined;
    }
    return { notes };
  } catch {
    return undefined;
  }
}


/**
 * Before a full run: what earlier parses of the stubs found, so that regenerating over unchanged
 * stubs does not load the compiler. Safe whatever the tree holds: an answer counts only for the
 * exact bytes it was found in.
 */
export function recallStubParses(key: CacheKey): void {
  const file = cacheFile(key);
  if (file === undefined || !existsSync(file)) return;
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    if (entry.generator !== generatorFingerprint()) return;
    seedMembers(Object.values(entry.stubs).map((s): [string, Members] => [s.key, s.members]));
  } catch {
    // an unreadable note is only slower
  }
}
