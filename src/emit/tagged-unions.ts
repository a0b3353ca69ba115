/**
 * Where a message's validator meets pydantic's discriminated unions: a `oneOf` with a
 * `discriminator` whose branches each fix the tag field to one string. The router hands these to
 * rejectInvalid, which answers as pydantic does (runtime/protocol/tagged-unions.ts). The runtime
 * reads ajv's errors, so this says where ajv reports them:
 * - a named schema with no `$ref` inside is inlined by ajv, and its errors' schemaPath starts with
 *   its name (`Circle/required`); any other is a function of its own, whose errors start with `#`,
 *   as the message's own schema's do;
 * - a union is keyed by its oneOf's schemaPath; a branch by the paths its errors start with.
 * A union whose branches cannot be told apart by those paths (a branch through a function of its
 * own, two branches sharing a named schema), or that shares its key with another oneOf, is left out:
 * its errors stay as ajv gives them.
 */
import { refName } from '../model/schema-registry.js';
import type { JsonSchema, SchemaObject } from '../model/types.js';
import { stringLiteral } from './escape.js';
import { forAjv } from './validators.js';

export interface UnionInfo {
  field: string;
  tags: [string, string[]][];
}

/** Keywords whose value is a schema, a list of schemas, or a map of schemas (by name), as ajv walks them. */
const ONE = ['items', 'additionalItems', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
const LIST = ['allOf', 'anyOf', 'oneOf', 'items'];
const MAP = ['properties', 'patternProperties', 'dependencies'];

/** The tagged unions the validator of message schema `root` meets, by the schemaPath of their oneOf. */
export function taggedUnions(root: string, schemas: Record<string, JsonSchema>): Record<string, UnionInfo> {
  const inlined = new Map<string, boolean>();
  const isInlined = (name: string): boolean => {
    let known = inlined.get(name);
    if (known === undefined) inlined.set(name, (known = !hasRef(forAjv(schemas[name] ?? true, false))));
    return known;
  };
  const found = new Map<string, UnionInfo | null>();
  const visited = new Set<string>();
  const add = (key: string, info: UnionInfo | null): void => {
    const before = found.get(key);
    found.set(key, before === undefined || (before !== null && info !== null && JSON.stringify(before) === JSON.stringify(info)) ? info : null);
  };
  const walk = (node: unknown, base: string, pointer: string): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const schema = node as SchemaObject;
    const named = refName(schema);
    if (named !== undefined) {
      if (!visited.has(named)) {
        visited.add(named);
        walk(schemas[named], isInlined(named) ? named : '#', '');
      }
      return;
    }
    // Every oneOf takes its key, a plain one too: another oneOf reported at the same path (in a
    // schema compiled on its own, whose paths start with # as the message's do) leaves it out.
    if (Array.isArray(schema['oneOf'])) {
      const key = `${base}${pointer}/oneOf`;
      add(key, schema['discriminator'] === undefined ? null : union(schema, key, schemas, isInlined));
    }
    for (const key of ONE) if (!Array.isArray(schema[key])) walk(schema[key], base, `${pointer}/${key}`);
    for (const key of LIST) {
      const list = schema[key];
      if (Array.isArray(list)) for (const [i, s] of list.entries()) walk(s, base, `${pointer}/${key}/${i}`);
    }
    for (const key of MAP) {
      const map = schema[key];
      if (map !== null && typeof map === 'object' && !Array.isArray(map))
        for (const [name, s] of Object.entries(map)) walk(s, base, `${pointer}/${key}/${escapeFragment(name)}`);
    }
  };
  // The message's own schema is its validator's root function. Reached again through a $ref (it
  // has one inside, so it is never inlined), it is that same function: the same keys.
  visited.add(root);
  walk(schemas[root], '#', '');
  const out: Record<string, UnionInfo> = {};
  for (const [key, info] of [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (info !== null) out[key] = info;
  return out;
}

/** The union's field and, for each branch, its tag and the schema paths its errors start with; null when they cannot be told apart. */
function union(schema: SchemaObject, at: string, schemas: Record<string, JsonSchema>, isInlined: (name: string) => boolean): UnionInfo | null {
  const discriminator = schema['discriminator'];
  const field =
    typeof discriminator === 'string'
      ? discriminator
      : discriminator !== null && typeof discriminator === 'object' && typeof (discriminator as Record<string, unknown>)['propertyName'] === 'string'
        ? ((discriminator as Record<string, unknown>)['propertyName'] as string)
        : undefined;
  if (field === undefined) return null;
  const tags: [string, string[]][] = [];
  const claimed = new Set<string>();
  for (const [i, branch] of (schema['oneOf'] as unknown[]).entries()) {
    if (branch === null || typeof branch !== 'object') return null;
    const named = refName(branch as SchemaObject);
    const target = named === undefined ? (branch as SchemaObject) : schemas[named];
    if (target === undefined || typeof target !== 'object') return null;
    const tag = fixedString((target['properties'] as Record<string, unknown> | undefined)?.[field]);
    if (tag === undefined || tags.some(([t]) => t === tag)) return null;
    // The named schemas the branch's errors may come from: each must be inlined (its name starts its
    // errors' paths) and belong to this branch alone.
    const names = named !== undefined ? [named] : refsIn(target);
    if (names.some((n) => !isInlined(n) || claimed.has(n))) return null;
    for (const n of names) claimed.add(n);
    tags.push([tag, [`${at}/${i}/`, ...names.map((n) => `${n}/`)]]);
  }
  return tags.length === 0 ? null : { field, tags };
}

/** The one string a property schema fixes (const, or a one-value enum). */
function fixedString(prop: unknown): string | undefined {
  if (prop === null || typeof prop !== 'object') return undefined;
  const p = prop as SchemaObject;
  if (typeof p['const'] === 'string') return p['const'];
  const values = p['enum'];
  return Array.isArray(values) && values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
}

/** The named schemas an inline schema refers to. */
function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (node !== null && typeof node === 'object') {
    const named = refName(node as SchemaObject);
    if (named !== undefined) {
      if (!out.includes(named)) out.push(named);
    } else for (const [k, v] of Object.entries(node)) if (k !== 'const' && k !== 'enum' && k !== 'default' && k !== 'examples') refsIn(v, out);
  }
  return out;
}

/** ajv's inlineRef: a schema is inlined where it is referenced unless a $ref (or its kin) is anywhere inside. */
function hasRef(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' || key === '$recursiveRef' || key === '$recursiveAnchor' || key === '$dynamicRef' || key === '$dynamicAnchor') return true;
    if (Array.isArray(value) ? value.some(hasRef) : hasRef(value)) return true;
  }
  return false;
}

/** A property name as ajv writes it in a schemaPath. */
function escapeFragment(name: string): string {
  return encodeURIComponent(name.replace(/~/g, '~0').replace(/\//g, '~1'));
}

/** Each incoming message's unions, by its validator's name (only messages that have some). */
export function routerUnions(
  incoming: readonly { typeName: string; validatorName: string }[],
  schemas: Record<string, JsonSchema>,
): Map<string, Record<string, UnionInfo>> {
  const out = new Map<string, Record<string, UnionInfo>>();
  for (const m of incoming) {
    const unions = taggedUnions(m.typeName, schemas);
    if (Object.keys(unions).length > 0) out.set(m.validatorName, unions);
  }
  return out;
}

/** The body of the router's UNIONS literal, one validator a line ('' when none). */
export function unionsLiteral(unions: Map<string, Record<string, UnionInfo>>): string {
  const union = ({ field, tags }: UnionInfo) =>
    `{ field: ${stringLiteral(field)}, tags: [${tags.map(([tag, paths]) => `[${stringLiteral(tag)}, [${paths.map(stringLiteral).join(', ')}]]`).join(', ')}] }`;
  return [...unions]
    .map(
      ([validator, byPath]) =>
        `  ${validator}: { ${Object.entries(byPath)
          .map(([path, info]) => `${stringLiteral(path)}: ${union(info)}`)
          .join(', ')} },`,
    )
    .join('\n');
}
