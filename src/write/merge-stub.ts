/**
 * Stub merging (DESIGN §6): the user's consumer.ts is never rewritten. Handler methods the document
 * gained are appended at the end of the class body; every existing byte stays where it was.
 * Which methods the class has is decided by the TypeScript parse (class-members.ts), never by text.
 */
import type { StubFile } from '../emit/generated-file.js';
import { classMembers, parseClass, topLevelNames } from './class-members.js';

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

/** Methods named like handlers (`onX`, not the hooks) that the document no longer has. */
export function formerHandlers(present: Iterable<string>, wanted: readonly string[]): string[] {
  return [...present].filter((name) => /^on[A-Z0-9_]/.test(name) && !isHook(name) && !wanted.includes(name)).sort();
}

/** The lifecycle hooks a class may define: named like handlers, never in the document. */
function isHook(name: string): boolean {
  return /^on(?:Connect|Disconnect|Event|Subscribe|Unsubscribe)$/.test(name);
}

export function mergeStub(existing: string, stub: StubFile): StubMerge {
  const wanted = stub.methods.map((m) => m.name);
  // Remembered for these exact bytes, else parsed: an unchanged stub does not load the compiler.
  const members = classMembers(existing, stub.className);
  if (members === null) {
    return {
      content: existing,
      added: [],
      removed: [],
      problem: `class ${stub.className} not found, so handlers cannot be checked or appended (${wanted.join(', ')})`,
    };
  }
  const missing = stub.methods.filter((m) => !members.includes(m.name));
  const removed = formerHandlers(members, wanted);
  if (missing.length === 0) return { content: existing, added: [], removed };
  const appended = appendMethods(existing, stub.className, missing.map((m) => m.text).join('\n\n'));
  return { content: addImports(appended, stub.imports ?? []), added: missing.map((m) => m.name), removed };
}

/** The import lines for names the file neither imports nor declares, after its last import. */
function addImports(text: string, imports: readonly { name: string; line: string }[]): string {
  if (imports.length === 0) return text;
  const { names, importsEnd } = topLevelNames(text);
  const lines = imports.filter((i) => !names.has(i.name)).map((i) => i.line);
  if (lines.length === 0) return text;
  const block = lines.join('\n');
  // After the last import; with none, before the first statement (below the file's opening comments).
  return importsEnd.after
    ? `${text.slice(0, importsEnd.at)}\n${block}${text.slice(importsEnd.at)}`
    : `${text.slice(0, importsEnd.at)}${block}\n\n${text.slice(importsEnd.at)}`;
}

/** `addition` at the end of the class body (after its last member), every existing byte kept. */
function appendMethods(existing: string, className: string, addition: string): string {
  const body = parseClass(existing, className).cls!.members;
  const at = body.end;
  if (body.length > 0) return `${existing.slice(0, at)}\n\n${addition}${existing.slice(at)}`;
  // An empty body (`{}`, or only comments): right after its opening brace, on lines of their own.
  return `${existing.slice(0, at)}\n${addition}\n${existing.slice(at).replace(/^\n/, '')}`;
}
