/**
 * An example value for a schema, for the playground: the schema's own `examples`, `example`,
 * `const`, `default` or first `enum` value where it has one, else a value built from its type.
 */
import type { JsonSchema } from '../model/types.js';
import { refName } from '../model/schema-registry.js';

const STRING_FORMATS: Record<string, string> = {
  'date-time': '2024-01-01T12:00:00Z',
  date: '2024-01-01',
  time: '12:00:00Z',
  email: 'user@example.com',
  uri: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '127.0.0.1',
  hostname: 'example.com',
};

export function exampleOf(schema: JsonSchema, schemas: Record<string, JsonSchema>, seen: readonly string[] = []): unknown {
  if (typeof schema === 'boolean') return null;
  const name = refName(schema);
  if (name !== undefined) {
    // A recursive schema ends where it would repeat itself.
    if (seen.includes(name)) return null;
    return exampleOf(schemas[name] ?? true, schemas, [...seen, name]);
  }
  const own = ownExample(schema);
  if (own !== undefined) return own.value;
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const concrete = (options as JsonSchema[]).find((o) => !(typeof o === 'object' && o['type'] === 'null')) ?? options[0];
      return exampleOf(concrete as JsonSchema, schemas, seen);
    }
  }
  const parts = Array.isArray(schema['allOf']) ? (schema['allOf'] as JsonSchema[]) : [];
  if (parts.length > 0) {
    const merged = parts.map((p) => exampleOf(p, schemas, seen));
    const objects = merged.filter((m): m is Record<string, unknown> => m !== null && typeof m === 'object' && !Array.isArray(m));
    const rest = typeof schema['properties'] === 'object' ? (objectExample(schema, schemas, seen) as Record<string, unknown>) : {};
    if (objects.length > 0) return Object.assign({}, ...objects, rest);
    return merged[0];
  }
  const types = Array.isArray(schema['type']) ? (schema['type'] as string[]) : typeof schema['type'] === 'string' ? [schema['type'] as string] : [];
  const type =
    types.find((t) => t !== 'null') ?? types[0] ?? (schema['properties'] !== undefined ? 'object' : schema['items'] !== undefined ? 'array' : undefined);
  switch (type) {
    case 'object':
      return objectExample(schema, schemas, seen);
    case 'array': {
      const items = schema['items'];
      const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 1;
      if (items === undefined || Array.isArray(items)) return [];
      return Array.from({ length: Math.max(1, Math.min(min, 3)) }, () => exampleOf(items as JsonSchema, schemas, seen));
    }
    case 'string': {
      const format = typeof schema['format'] === 'string' ? STRING_FORMATS[schema['format']] : undefined;
      if (format !== undefined) return format;
      const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
      const text = typeof schema['title'] === 'string' && schema['title'].length > 0 ? schema['title'].toLowerCase() : 'string';
      return text.length >= min ? text : text.padEnd(min, 'x');
    }
    case 'integer':
    case 'number': {
      const min = schema['minimum'] ?? schema['exclusiveMinimum'];
      return typeof min === 'number' ? (schema['exclusiveMinimum'] === min ? min + 1 : min) : 0;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return null;
  }
}

function ownExample(schema: Record<string, unknown>): { value: unknown } | undefined {
  if (Array.isArray(schema['examples']) && schema['examples'].length > 0) return { value: schema['examples'][0] };
  if ('example' in schema) return { value: schema['example'] };
  if ('const' in schema) return { value: schema['const'] };
  if ('default' in schema) return { value: schema['default'] };
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return { value: schema['enum'][0] };
  return undefined;
}

function objectExample(schema: Record<string, unknown>, schemas: Record<string, JsonSchema>, seen: readonly string[]): Record<string, unknown> {
  const props = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  const out: Record<string, unknown> = {};
  // Every required property, and the optional ones that are not recursive.
  for (const [key, prop] of Object.entries(props)) {
    const ref = refName(prop);
    if (!required.has(key) && ref !== undefined && seen.includes(ref)) continue;
    out[key] = exampleOf(prop, schemas, seen);
  }
  return out;
}
