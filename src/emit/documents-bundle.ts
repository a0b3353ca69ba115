/**
 * The document as `npm start` serves it (/asyncapi.json, /asyncapi.yaml): the spec with every
 * `$ref` to another file inlined, so that one file says everything. References inside the spec stay
 * as they are. A target inlined once is referred to again (`#/pointer` to where it was first put)
 * rather than copied, which also keeps recursive schemas in other files finite.
 */
import path from 'node:path';
import type { SourceFile } from '../load/source-files.js';

export function bundleDocument(files: readonly SourceFile[]): unknown {
  const byPath = new Map(files.map((f) => [f.absPath, f]));
  const spec = files[0]!;
  /** Where each inlined target (file#pointer) was first placed in the bundle. */
  const placed = new Map<string, string>();

  const lookup = (file: SourceFile, pointer: string): unknown => {
    let node: unknown = file.data;
    for (const raw of pointer.split('/').slice(1)) {
      const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[seg];
    }
    return node;
  };

  const walk = (node: unknown, file: SourceFile, at: string): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, file, `${at}/${i}`));
    if (node === null || typeof node !== 'object') return node;
    const ref = (node as Record<string, unknown>)['$ref'];
    if (typeof ref === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
      const hash = ref.indexOf('#');
      const filePart = hash === -1 ? ref : ref.slice(0, hash);
      const pointer = hash === -1 ? '' : ref.slice(hash + 1);
      const target = filePart === '' ? file : byPath.get(path.resolve(path.dirname(file.absPath), decodeURIComponent(filePart)));
      // The spec's own references stay (the loader has already refused any it cannot follow).
      if (target === spec) return file === spec && filePart === '' ? node : { $ref: `#${pointer}` };
      if (target !== undefined) {
        const id = `${target.absPath}#${pointer}`;
        const there = placed.get(id);
        if (there !== undefined) return { $ref: `#${there}` };
        placed.set(id, at);
        return walk(lookup(target, pointer), target, at);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = walk(value, file, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    return out;
  };
  return walk(spec.data, spec, '');
}
