/**
 * Where a schema keyword sits in the input files, for problems found after loading: the model's
 * schemas are dereferenced copies, which no longer know their place. The first place (spec first,
 * then referenced files, each in document order) where `keyword` has `value` is taken.
 */
import type { SourceFile } from './source-files.js';

export interface Place {
  file: string;
  line: number;
  column: number;
}

export function locateKeyword(files: readonly SourceFile[], keyword: string, value?: unknown): Place | undefined {
  for (const file of files) {
    const at = pathTo(file.data, keyword, value);
    if (at !== undefined) return { file: file.displayPath, ...file.locate(at) };
  }
  return undefined;
}

function pathTo(root: unknown, keyword: string, value: unknown): (string | number)[] | undefined {
  const seen = new Set<object>();
  const walk = (node: unknown, at: (string | number)[]): (string | number)[] | undefined => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return undefined;
    seen.add(node);
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [k, v] of entries) {
      if (k === keyword && (value === undefined || v === value)) return [...at, k];
    }
    for (const [k, v] of entries) {
      const found = walk(v, [...at, k]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(root, []);
}
