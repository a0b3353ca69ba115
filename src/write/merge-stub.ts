/**
 * Stub merging (DESIGN §6): the user's consumer.ts is never rewritten. Handler methods the document
 * gained are appended at the end of the class body; every existing byte stays where it was.
 * Which methods the class has is decided by the TypeScript parse (class-members.ts), never by text.
 */
import type { StubFile } from '../emit/generated-file.js';
import { knownMembers, parseClass } from './class-members.js';

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

/** Methods named like handlers (`onX`, not the hooks) that the document no longer has. */
export function formerHandlers(present: Iterable<string>, wanted: readonly string[]): string[] {
  return [...present].filter((name) => /^on[A-Z0-9_]/.test(name) && !HOOKS.has(name) && !wanted.includes(name)).sort();
}

export function mergeStub(existing: string, stub: StubFile): StubMerge {
  const wanted = stub.methods.map((m) => m.name);
  // An earlier parse of these exact bytes that found every handler answers without the compiler.
  const remembered = knownMembers(existing, stub.className);
  if (remembered != null && wanted.every((name) => remembered.includes(name))) {
    return { content: existing, added: [], removed: formerHandlers(remembered, wanted) };
  }
  const { cls, members } = parseClass(existing, stub.className, stub.path);
  if (cls === undefined || members === null) {
    return { content: existing, added: [], removed: [], problem: `class ${stub.className} not found, so handlers cannot be checked or appended (${wanted.join(', ')})` };
  }
  const missing = stub.methods.filter((m) => !members.includes(m.name));
  const removed = formerHandlers(members, wanted);
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
