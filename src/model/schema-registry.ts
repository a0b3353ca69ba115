/**
 * Turns the parser's dereferenced (possibly circular) schema objects into plain JSON Schemas in which
 * every named schema is a `{ $ref: '#/$defs/Name' }`, so the model stays serialisable and both the
 * TypeScript emitter and ajv can refer to named schemas by name.
 */
import type { JsonSchema, SchemaObject } from './types.js';
import { NameAllocator, typeName } from './names.js';
import { SCHEMA_ID } from '../load/document-view.js';

const ANONYMOUS = /^<anonymous-schema-\d+>$/;

/** Keywords whose value is a schema, an array of schemas, or a map of schemas. */
const SUBSCHEMA = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
]);
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SUBSCHEMA_MAP = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

export class SchemaRegistry {
  readonly schemas: Record<string, JsonSchema> = {};
  /** Names that are not what the document calls the schema (taken by generated code or by another schema), with the document's name. */
  readonly renamed: Record<string, string> = {};
  private readonly names: NameAllocator;
  private readonly nameOf = new Map<object, string>();
  private readonly onStack = new Set<object>();

  constructor(reserved: Iterable<string> = []) {
    this.names = new NameAllocator(reserved);
  }

  /**
   * Registers `raw` under a name of our choosing (unless it already has one) and returns the name.
   * A name the generated code uses gets `suffix` (`Promise` -> `PromiseMessage`).
   */
  nameSchema(raw: unknown, wanted: string, suffix = 'Schema'): string {
    if (raw !== null && typeof raw === 'object') {
      const existing = this.nameOf.get(raw);
      if (existing !== undefined) return existing;
      const id = componentId(raw);
      const name = this.allocate(id ?? wanted, id !== undefined ? 'Schema' : suffix);
      this.nameOf.set(raw, name);
      this.schemas[name] = this.convertBody(raw as SchemaObject, name);
      return name;
    }
    const name = this.allocate(wanted, suffix);
    this.schemas[name] = raw !== false;
    return name;
  }

  private allocate(wanted: string, suffix: string): string {
    const name = this.names.allocate(typeName(wanted), suffix);
    if (name !== typeName(wanted)) this.renamed[name] = wanted;
    return name;
  }

  /**
   * Converts a schema, turning named sub-schemas into refs. `path` is the name an inline object
   * schema gets from where it sits (`RoomNotificationMessage` + `payload` -> `RoomNotificationMessagePayload`);
   * without one, inline schemas stay inline.
   */
  convert(raw: unknown, path?: string): JsonSchema {
    if (raw === null || typeof raw !== 'object') return raw !== false;
    const named = this.nameOf.get(raw);
    if (named !== undefined) return ref(named);
    const id = componentId(raw);
    if (id !== undefined) return ref(this.nameSchema(raw, id));
    if (path !== undefined && isObjectShape(raw as SchemaObject)) return ref(this.nameSchema(raw, path));
    if (this.onStack.has(raw)) {
      // An anonymous schema that contains itself: it needs a name to be written down.
      const name = this.allocate(titleOf(raw) ?? 'RecursiveSchema', 'Schema');
      this.nameOf.set(raw, name);
      return ref(name);
    }
    const body = this.convertBody(raw as SchemaObject, path);
    const late = this.nameOf.get(raw);
    if (late !== undefined) {
      this.schemas[late] = body;
      return ref(late);
    }
    return body;
  }

  private convertBody(raw: SchemaObject, path: string | undefined): SchemaObject {
    this.onStack.add(raw);
    const at = (suffix: string) => (path === undefined ? undefined : `${path}_${suffix}`);
    try {
      // Sub-schemas are named in key order, not in the document's order (which the output keeps).
      const converted = Object.create(null) as SchemaObject; // `__proto__` is a key like any other
      for (const key of Object.keys(raw).sort()) {
        const value = raw[key];
        const out = converted;
        if (key.startsWith('x-parser-')) continue;
        if (SUBSCHEMA.has(key)) {
          const where = key === 'items' ? at('item') : key === 'additionalProperties' ? at('value') : undefined;
          out[key] = Array.isArray(value) ? value.map((v) => this.convert(v)) : this.convert(value, where);
        } else if (SUBSCHEMA_LIST.has(key) && Array.isArray(value)) out[key] = value.map((v) => this.convert(v));
        else if (SUBSCHEMA_MAP.has(key) && value !== null && typeof value === 'object') {
          const map = Object.create(null) as Record<string, JsonSchema>;
          for (const k of Object.keys(value).sort()) map[k] = this.convert((value as Record<string, unknown>)[k], key === 'properties' ? at(k) : undefined);
          out[key] = Object.fromEntries(Object.keys(value).map((k) => [k, map[k]!]));
        } else out[key] = withoutParserMarks(value);
      }
      return Object.fromEntries(
        Object.keys(raw)
          .filter((k) => k in converted)
          .map((k) => [k, converted[k]]),
      );
    } finally {
      this.onStack.delete(raw);
    }
  }
}

/** A copy of a non-schema value (example, default, unknown keyword) without the parser's `x-parser-*` marks. */
function withoutParserMarks(value: unknown, seen = new Set<object>()): unknown {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  const copy = Array.isArray(value)
    ? value.map((v) => withoutParserMarks(v, seen))
    : Object.fromEntries(
        Object.entries(value)
          .filter(([k]) => !k.startsWith('x-parser-'))
          .map(([k, v]) => [k, withoutParserMarks(v, seen)]),
      );
  seen.delete(value);
  return copy;
}

/** An object with named properties and nothing that makes it a union: worth a name of its own. */
function isObjectShape(s: SchemaObject): boolean {
  const props = s['properties'];
  const hasProps = props !== null && typeof props === 'object' && Object.keys(props).length > 0;
  return (
    hasProps &&
    (s['type'] === undefined || s['type'] === 'object') &&
    !['oneOf', 'anyOf', 'allOf', 'enum', 'const', 'not', 'if'].some((k) => s[k] !== undefined)
  );
}

function ref(name: string): SchemaObject {
  return { $ref: `#/$defs/${name}` };
}

/** The component key the parser recorded for a schema, or undefined for an inline one. */
function componentId(raw: object): string | undefined {
  const id = (raw as SchemaObject)[SCHEMA_ID];
  return typeof id === 'string' && !ANONYMOUS.test(id) ? id : undefined;
}

function titleOf(raw: object): string | undefined {
  const title = (raw as SchemaObject)['title'];
  return typeof title === 'string' && title.trim() !== '' ? title : undefined;
}

/** Name referred to by a `$ref` produced here, or undefined. */
export function refName(schema: JsonSchema): string | undefined {
  if (typeof schema !== 'object') return undefined;
  const target = schema['$ref'];
  return typeof target === 'string' && target.startsWith('#/$defs/') ? target.slice('#/$defs/'.length) : undefined;
}

/** Every schema name reachable from `roots`, including the roots, in a stable order. */
export function reachableSchemas(roots: readonly string[], schemas: Record<string, JsonSchema>): string[] {
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      const name = refName(node as SchemaObject);
      if (name !== undefined) {
        if (!seen.has(name)) {
          seen.add(name);
          visit(schemas[name]);
        }
        return;
      }
      for (const value of Object.values(node)) visit(value);
    }
  };
  for (const root of roots) {
    if (!seen.has(root)) {
      seen.add(root);
      visit(schemas[root]);
    }
  }
  return [...seen].sort();
}
