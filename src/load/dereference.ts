/**
 * `$ref` resolution across the spec and the files it references: every reference object is
 * replaced, in place, by its target, so a target used in several places is one object (identity is
 * how the model recognises "the same message" or "the same schema") and a recursive schema becomes
 * a cycle. Works on copies of the files' data; the copies are what the document view reads.
 */
import path from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import type { SourceFile } from './source-files.js';

export interface Dereferenced {
  root: Record<string, unknown>;
  problems: Diagnostic[];
}

export function dereference(files: readonly SourceFile[]): Dereferenced {
  const byPath = new Map(files.map((f) => [f.absPath, { file: f, data: structuredClone(f.data) }]));
  const problems: Diagnostic[] = [];
  const done = new Set<object>();

  const target = (fromFile: string, ref: string): Target | string => {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : ref.slice(hash + 1);
    const file = filePart === '' ? fromFile : path.resolve(path.dirname(fromFile), decodeURIComponent(filePart));
    const doc = byPath.get(file);
    if (doc === undefined) return `$ref '${ref}' cannot be resolved: the file was not read`;
    let node: unknown = doc.data;
    const at: string[] = [];
    for (const raw of pointer.split('/').slice(1)) {
      const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, seg)) return `$ref '${ref}' points to nothing: there is no '${seg}' there`;
      node = (node as Record<string, unknown>)[seg];
      at.push(seg);
    }
    return { value: node, file, at };
  };

  /** Follows reference chains (a $ref to a $ref) to the first non-reference. */
  const follow = (fromFile: string, ref: string): Target | string => {
    const seen = new Set<string>();
    let current = target(fromFile, ref);
    while (typeof current !== 'string' && isRef(current.value)) {
      const next = (current.value as { $ref: string }).$ref;
      const key = `${current.file}#${next}`;
      if (seen.has(key)) return `$ref '${ref}' is a loop of references`;
      seen.add(key);
      current = target(current.file, next);
    }
    return current;
  };

  const walk = (node: object, file: string, at: (string | number)[]): void => {
    if (done.has(node)) return;
    done.add(node);
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, value] of entries) {
      if (isRef(value)) {
        const resolved = follow(file, (value as { $ref: string }).$ref);
        if (typeof resolved === 'string') {
          const source = byPath.get(file)!.file;
          problems.push({ severity: 'error', file: source.displayPath, ...source.locate([...at, key, '$ref']), message: resolved });
          continue;
        }
        (node as Record<string | number, unknown>)[key] = resolved.value;
        if (resolved.value !== null && typeof resolved.value === 'object') walk(resolved.value, resolved.file, resolved.at);
      } else if (value !== null && typeof value === 'object') walk(value, file, [...at, key]);
    }
  };

  const spec = files[0]!;
  const root = byPath.get(spec.absPath)!.data as Record<string, unknown>;
  walk(root, spec.absPath, []);
  return { root, problems };
}

interface Target {
  value: unknown;
  file: string;
  /** Where the target sits in its file. */
  at: string[];
}

function isRef(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { $ref?: unknown }).$ref === 'string';
}
