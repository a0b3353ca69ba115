/** The static import graph of src/: every relative and bare import of every .ts file, type imports included. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const SRC = path.resolve(import.meta.dirname, '../../src');

export interface ImportEdge {
  /** Path relative to src/, forward slashes. */
  from: string;
  /** A src/-relative .ts path for a relative import; the bare specifier otherwise. */
  to: string;
  relative: boolean;
}

export function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.relative(SRC, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

export function importsOf(file: string): ImportEdge[] {
  const info = ts.preProcessFile(readFileSync(path.join(SRC, file), 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith('.')) return { from: file, to: fileName, relative: false };
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName)).replace(/\.js$/, '.ts');
    return { from: file, to: target, relative: true };
  });
}

/** Every circle of relative imports, each as the list of files around it (empty when there is none). */
export function circles(files: readonly string[], targets: (file: string) => readonly string[] = relativeTargets): string[][] {
  const edges = new Map(files.map((f) => [f, targets(f)]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

function relativeTargets(file: string): string[] {
  return importsOf(file)
    .filter((e) => e.relative)
    .map((e) => e.to);
}
