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
    const hit = keywordIndex(file)
      .get(keyword)
      ?.find((h) => value === undefined || h.value === value);
    if (hit !== undefined) return { file: file.displayPath, ...file.locate([...hit.parent, keyword]) };
  }
  return undefined;
}

interface Hit {
  value: unknown;
  /** Where the object holding the key is (shared by all its keys). */
  parent: (string | number)[];
}

/**
 * Every object key of a file's data with its value and path, in the order a search takes them: a node's own
 * keys before anything below it, nodes depth first in document order, each node once. Built once per
 * file, so that locating many keywords (a document with hundreds of warnings) walks the file once.
 */
const indexes = new WeakMap<SourceFile, Map<string, Hit[]>>();

function keywordIndex(file: SourceFile): Map<string, Hit[]> {
  const kept = indexes.get(file);
  if (kept !== undefined) return kept;
  const index = new Map<string, Hit[]>();
  const seen = new Set<object>();
  const walk = (node: unknown, at: (string | number)[]): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) walk(node[i], [...at, i]);
      return;
    }
    const entries = Object.entries(node);
    for (const [key, v] of entries) {
      const hits = index.get(key);
      if (hits === undefined) index.set(key, [{ value: v, parent: at }]);
      else hits.push({ value: v, parent: at });
    }
    for (const [key, v] of entries) walk(v, [...at, key]);
  };
  walk(file.data, []);
  indexes.set(file, index);
  return index;
}
