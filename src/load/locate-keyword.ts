/**
 * Where a schema keyword sits in the input files, for problems found after loading: the model's
 * schemas are dereferenced copies, which no longer know their place. The first place (spec first,
 * then referenced files, each in document order) where `keyword` has `value` is taken.
 */
import type { SourceFile } from './source-files.js';
import { walkData } from './walk-data.js';

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
  walkData(file.data, {
    node(node, at) {
      if (Array.isArray(node)) return undefined;
      const parent = [...at];
      for (const [key, value] of Object.entries(node)) {
        const hits = index.get(key);
        if (hits === undefined) index.set(key, [{ value, parent }]);
        else hits.push({ value, parent });
      }
      return undefined;
    },
  });
  indexes.set(file, index);
  return index;
}
