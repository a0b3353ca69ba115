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

const HOOKS = new Set(['onConnect', 'onDisconnect']);

export function mergeStub(existing: string, stub: StubFile): StubMerge {
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
  const removed = [...present].filter((name) => /^on[A-Z0-9_]/.test(name) && !HOOKS.has(name) && !wanted.includes(name)).sort();
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
