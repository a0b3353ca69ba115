/**
 * Runtime imports under names the document does not use (issue 21). A file that imports a type or
 * class of chanx-gen/runtime or chanx-gen/client whose name the document also gives a type (a
 * message called `Unsubscribe`, a channel called `Chanx` whose client is `ChanxClient`) imports it
 * as `$Name`; every other import keeps its own name, so ordinary output does not change.
 */
export interface RuntimeImports {
  /** The inside of `import { ... }` (or `import type { ... }` when every name is a type and `typeOnly`). */
  clause: string;
  /** The local name of each import. */
  local: Record<string, string>;
}

/**
 * `names`: what to import, each `type X` or `X` (a value), in the order written. `declared`: every
 * other name the file imports or declares. A name in `declared` is imported as `$X`.
 */
export function runtimeImports(names: readonly string[], declared: Iterable<string>, typeOnly = false): RuntimeImports {
  const taken = new Set(declared);
  const local: Record<string, string> = {};
  const parts = names.map((spec) => {
    const isType = spec.startsWith('type ');
    const name = isType ? spec.slice('type '.length) : spec;
    local[name] = taken.has(name) ? `$${name}` : name;
    return `${isType && !typeOnly ? 'type ' : ''}${name}${local[name] === name ? '' : ` as ${local[name]}`}`;
  });
  return { clause: parts.join(', '), local };
}
