/**
 * A `$ref` whose target is a `$ref` whose target is ... the first again (`C: {$ref: d.yaml#/D}`,
 * `D: {$ref: c.yaml#/C}`) names nothing. @asyncapi/parser's resolver spins on such a loop when it
 * runs through files, so chanx-gen refuses it, at the first `$ref`, before the parser runs. (A schema
 * that contains a reference to itself, the ordinary recursive schema, is no loop: it has content.)
 */
import path from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import type { SourceFile } from './source-file.js';
import { walkData } from './walk-data.js';

const isRef = (v: unknown): v is { $ref: string } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { $ref?: unknown }).$ref === 'string';

export function referenceLoops(files: readonly SourceFile[]): Diagnostic[] {
  const byPath = new Map(files.map((f) => [f.absPath, f]));
  const target = (from: string, ref: string): { file: string; node: unknown } | undefined => {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    let file = from;
    if (filePart !== '') {
      try {
        file = path.resolve(path.dirname(from), decodeURIComponent(filePart));
      } catch {
        return undefined;
      }
    }
    let node = byPath.get(file)?.data;
    for (const raw of (hash === -1 ? '' : ref.slice(hash + 1)).split('/').slice(1)) {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[seg];
    }
    return { file, node };
  };
  const out: Diagnostic[] = [];
  for (const file of files) {
    walkData(file.data, {
      node(node, at) {
        if (!isRef(node)) return undefined;
        const chain = new Set<string>();
        let current: { file: string; node: unknown } | undefined = { file: file.absPath, node };
        while (current !== undefined && isRef(current.node)) {
          const key = `${current.file}#${current.node.$ref}`;
          if (chain.has(key)) {
            out.push({
              severity: 'error',
              file: file.displayPath,
              ...file.locate([...at, '$ref']),
              message: `$ref '${node.$ref}' is a loop of references: it never reaches anything but another $ref`,
            });
            break;
          }
          chain.add(key);
          current = target(current.file, current.node.$ref);
        }
        return false;
      },
    });
  }
  return out;
}
