/**
 * A shortcut for `--check` on an unchanged tree: what the last generation (or clean check) produced,
 * kept in node_modules/.cache/chanx-gen (never committed). The shortcut answers "up to date" only
 * when the generator's own code, the options, the bytes of every input and of every output
 * (stubs included) are the same as then, the parse of each stub then found every handler, and no
 * other generated file has appeared;
 * anything else falls through to the full pipeline, which is the only thing that reports drift.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheRoot } from '../cache-root.js';
import { GENERATED_MARKER, type GeneratedFile } from '../emit/generated-file.js';
import { classMembers, knownMembers, learnMembers, membersKey, seedMembers, type Members } from './class-members.js';
import { formerHandlers } from './merge-stub.js';
import { ownFingerprint } from './generator-fingerprint.js';
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

function cacheFile(key: CacheKey): string | undefined {
  const root = cacheRoot(key.cwd, 'chanx-gen');
  return root === undefined ? undefined : path.join(root, `${sha(key.outDir)}.json`);
}

/** The cache's entry for this output folder; undefined when there is none or it cannot be read. */
function readEntry(key: CacheKey): Entry | undefined {
  const file = cacheFile(key);
  try {
    return file === undefined ? undefined : (JSON.parse(readFileSync(file, 'utf8')) as Entry);
  } catch {
    return undefined;
  }
}

function sha(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Records what is now on disk for `files` (after a generation or a clean full check). */
export function remember(key: CacheKey, inputs: readonly string[], files: readonly GeneratedFile[]): void {
  const file = cacheFile(key);
  if (file === undefined) return;
  const entry = noteOf(key, inputs, files);
  try {
    if (entry === undefined)
      rmSync(file); // (throws when there is none: caught, nothing to do)
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(entry));
    }
  } catch {
    // a cache that cannot be written is only slower
  }
}

/** The note for the tree as it is; undefined when a stub is not on disk (nothing to vouch for). */
function noteOf(key: CacheKey, inputs: readonly string[], files: readonly GeneratedFile[]): Entry | undefined {
  const sources = Object.fromEntries(inputs.map((abs) => [abs, sha(readFileSync(abs))]));
  const entry: Entry = { generator: ownFingerprint(), options: key.options, sources, files: {}, stubs: {} };
  for (const f of files) {
    // A starter test is the user's and never drift: nothing to vouch for.
    if (f.kind === 'starter') continue;
    if (f.kind !== 'stub') {
      entry.files[f.path] = sha(f.content);
      continue;
    }
    const wanted = f.methods.map((m) => m.name);
    let text: string;
    try {
      text = readFileSync(path.join(key.outDir, f.path), 'utf8');
    } catch {
      return undefined;
    }
    // A stub just created from the template declares its handlers by construction (the golden
    // tests parse and compile it); anything else is what the parse of its bytes found.
    if (text === f.content && knownMembers(text, f.className) === undefined) learnMembers(text, f.className, wanted);
    entry.stubs[f.path] = { className: f.className, wanted, key: membersKey(text, f.className), members: classMembers(text, f.className) };
  }
  return entry;
}

/** Undefined when the shortcut cannot vouch for the tree; else the notes a full check would print. */
export function upToDate(key: CacheKey): { notes: string[] } | undefined {
  const entry = readEntry(key);
  if (entry?.generator !== ownFingerprint() || entry.options !== key.options) return undefined;
  try {
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
      for (const name of formerHandlers(members, stub.wanted))
        notes.push(`${rel}: ${name} is no longer in the document; kept (delete it when you no longer need it)`);
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
  const entry = readEntry(key);
  if (entry?.generator !== ownFingerprint()) return;
  try {
    seedMembers(Object.values(entry.stubs).map((s): [string, Members] => [s.key, s.members]));
  } catch {
    // a damaged note is only slower
  }
}
