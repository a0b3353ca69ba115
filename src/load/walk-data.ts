/**
 * One walk over a document's data for the checks made before and after the parser reads it
 * (external references, reference loops, declared schema formats, where a keyword sits): every
 * object and array once, depth first in document order, a node shared through YAML aliases (or a
 * cycle) only the first time.
 */

/** A path in the data: keys and indexes. */
export type DataPath = (string | number)[];

export interface DataVisitor {
  /** Each object or array, before what is below it; false: leave that unvisited. */
  node?(node: object, at: Readonly<DataPath>): boolean | undefined;
  /** Each key of an object, in order, before going into its value; false: do not go into it. */
  key?(key: string, parent: Record<string, unknown>, at: Readonly<DataPath>): boolean | undefined;
}

/**
 * Walks `data` with `visitor`. The path given is one array the walk keeps changing (a large
 * document has many nodes): copy it to keep it.
 */
export function walkData(data: unknown, visitor: DataVisitor): void {
  const seen = new Set<object>();
  const at: DataPath = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (visitor.node?.(node, at) === false) return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        at.push(i);
        walk(node[i]);
        at.pop();
      }
      return;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (visitor.key?.(key, record, at) === false) continue;
      at.push(key);
      walk(record[key]);
      at.pop();
    }
  };
  walk(data);
}
