/**
 * Reading the spec and every local file it references, with positions kept so that any
 * problem found later can be reported as `file:line:col`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { inputError, InputError, type Diagnostic } from './diagnostics.js';
import { displayPath } from './display-path.js';

export interface SourceFile {
  /** Absolute path. */
  absPath: string;
  /** Path relative to the working directory, forward slashes: how it is shown to people. */
  displayPath: string;
  text: string;
  /** The plain data (YAML and JSON alike). */
  data: unknown;
  /** Finds the position of a JSON-pointer-like path; line and column are 1-based. */
  locate(segments: readonly (string | number)[]): { line: number; column: number };
}

/** Reads and parses one YAML or JSON file; throws InputError with positions on failure. */
export function readSourceFile(absPath: string, cwd: string): SourceFile {
  const shown = displayPath(absPath, cwd);
  let text: string;
  try {
    text = readFileSync(absPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${code ?? String(err)})`;
    throw inputError(shown, why);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e): Diagnostic => {
        const pos = lines.linePos(e.pos[0]);
        const first = e.message.split('\n')[0] ?? e.message;
        return { severity: 'error', file: shown, line: pos.line, column: pos.col, message: `not valid YAML or JSON: ${first.replace(/ at line \d+, column \d+:?$/, '')}` };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: -1 });
  return { absPath, displayPath: shown, text, data, locate: (segments) => locateIn(doc, lines, segments) };
}

function locateIn(doc: Document, lines: LineCounter, segments: readonly (string | number)[]): { line: number; column: number } {
  // Walk as deep as the path goes; report the deepest node found (a key's position reads best).
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      offset = (item as Node | null)?.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** The spec plus every local file it references through `$ref`, transitively, in a stable order. */
export function readSourceTree(specAbsPath: string, cwd: string): SourceFile[] {
  const files = new Map<string, SourceFile>();
  const problems: Diagnostic[] = [];
  const visit = (absPath: string): void => {
    if (files.has(absPath)) return;
    const file = readSourceFile(absPath, cwd);
    files.set(absPath, file);
    for (const ref of externalRefs(file.data)) {
      const [target] = ref.value.split('#');
      const where = file.locate(ref.at);
      if (/^[a-z][a-z0-9+.-]*:/i.test(target ?? '')) {
        problems.push({ severity: 'error', file: file.displayPath, ...where, message: `$ref '${ref.value}' points to a remote document; chanx-gen never fetches over the network: save it next to the spec and refer to it by a relative path` });
        continue;
      }
      const next = path.resolve(path.dirname(absPath), decodeURIComponent(target ?? ''));
      try {
        visit(next);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        const missing = err.diagnostics.length === 1 && err.diagnostics[0]!.line === 0;
        if (missing) problems.push({ severity: 'error', file: file.displayPath, ...where, message: `$ref '${ref.value}' cannot be resolved: ${displayPath(next, cwd)}: ${err.diagnostics[0]!.message}` });
        else problems.push(...err.diagnostics);
      }
    }
  };
  visit(specAbsPath);
  if (problems.length > 0) throw new InputError(problems);
  return [...files.values()];
}

interface RefSite {
  value: string;
  at: (string | number)[];
}

function externalRefs(data: unknown): RefSite[] {
  const out: RefSite[] = [];
  const walk = (node: unknown, at: (string | number)[]): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...at, i]));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) out.push({ value, at: [...at, key] });
        else walk(value, [...at, key]);
      }
    }
  };
  walk(data, []);
  return out;
}
