/** JSON pointers as ajv reports where a value failed, read into paths (the error frames' `loc`). */

/** `/payload/items/0/a~1b` -> ['payload', 'items', 0, 'a/b'] */
export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => {
      const text = s.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9][0-9]*)$/.test(text) ? Number(text) : text;
    });
}

/** The value at a path inside `data` (undefined where there is none). */
export function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}
