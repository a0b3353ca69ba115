/**
 * Stub merging (DESIGN §6): the user's consumer.ts is never rewritten. Handler methods the document
 * gained are appended at the end of the class body; every existing byte stays where it was.
 * Uses the TypeScript compiler's parser (loaded only when a stub already exists).
 */
import { createRequire } from 'node:module';
import type { StubFile } from '../emit/generated-file.js';

const require = createRequire(import.meta.url);

export interface StubMerge {
  /** The file with missing methods appended (identical to the input when nothing is missing). */
  content: string;
  /** Handler methods appended. */
  added: string[];
  /** Methods that look like handlers (`onX`) but are no longer in the document; kept, reported. */
  removed: string[];
  /** Set when the class could not be found, so nothing could be appended. */
  problem?: string;
}

const HOOKS = new Set(['onConnect', 'onDisconnect', 'onSubscribe', 'onUnsubscribe']);

/** Methods named like handlers (`onX`, not the hooks) that the document no longer has. */
export function formerHandlers(present: Iterable<string>, wanted: readonly string[]): string[] {
  return [...present].filter((name) => /^on[A-Z0-9_]/.test(name) && !HOOKS.has(name) && !wanted.includes(name)).sort();
}

/**
 * Method names declared at the start of a line (`  onPing(`, `  async onPing<`, ...). A cheap look
 * that answers the common case, every handler present, without loading the TypeScript compiler;
 * anything it cannot vouch for goes to the real parse below.
 */
export function declaredAtLineStart(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^[ \t]*(?:(?:public|protected|private|static|override|async|readonly)\s+)*([A-Za-z_$][\w$]*)\s*[(<=:]/gm)) names.add(m[1]!);
  return names;
}

export function mergeStub(existing: string, stub: StubFile): StubMerge {
  const quick = declaredAtLineStart(existing);
  if (existing.includes(`class ${stub.className}`) && stub.methods.every((m) => quick.has(m.name))) {
    return { content: existing, added: [], removed: formerHandlers(quick, stub.methods.map((m) => m.name)) };
  }
  return mergeWithCompiler(existing, stub);
}

function mergeWithCompiler(existing: string, stub: StubFile): StubMerge {
  const ts = require('typescript') as typeof import('typescript');
  const source = ts.createSourceFile(stub.path, existing, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const cls = source.statements.find((s): s is import('typescript').ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === stub.className);
  const wanted = stub.methods.map((m) => m.name);
  if (cls === undefined) {
    return { content: existing, added: [], removed: [], problem: `class ${stub.className} not found, so handlers cannot be checked or appended (${wanted.join(', ')})` };
  }
  const present = new Set<string>();
  for (const member of cls.members) {
    const name = member.name;
    if (name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name))) present.add(name.text);
  }
  const missing = stub.methods.filter((m) => !present.has(m.name));
  const removed = formerHandlers(present, wanted);
  if (missing.length === 0) return { content: existing, added: [], removed };

  const addition = missing.map((m) => m.text).join('\n\n');
  let content: string;
  if (cls.members.length > 0) {
    const at = cls.members.end;
    content = `${existing.slice(0, at)}\n\n${addition}${existing.slice(at)}`;
  } else {
    // Right after the class body's opening brace.
    const at = existing.indexOf('{', cls.name!.end) + 1;
    content = `${existing.slice(0, at)}\n${addition}\n${existing.slice(at).replace(/^\n/, '')}`;
  }
  return { content, added: missing.map((m) => m.name), removed };
}
