/**
 * Defaults written beside a `$ref` (`"status": {"$ref": "#/components/schemas/MessageStatus",
 * "default": "PENDING"}`, how pydantic documents an enum or model field with a default): the
 * parser's dereferencing replaces the whole object with its target, so the default is lost. This
 * puts it back, from the spec file's own data, on the converted property (`{ $ref, default }`), so
 * that validators fill it in on the way in and the server on the way out, as pydantic does.
 * Component schemas of the spec file are covered, through nested properties and array items.
 */
import type { JsonSchema, SchemaObject } from './types.js';
import { refName } from './schema-registry.js';

/** `components` maps a component schema's key in the document to its name among `schemas`. */
export function restoreRefDefaults(data: unknown, components: ReadonlyMap<string, string>, schemas: Record<string, JsonSchema>): void {
  const raw = record(record(record(data)?.['components'])?.['schemas']);
  if (raw === undefined) return;
  const seen = new Set<object>();
  for (const [id, name] of components) walk(record(raw[id]), schemas[name], schemas, seen, 0);
}

function walk(raw: SchemaObject | undefined, converted: JsonSchema | undefined, schemas: Record<string, JsonSchema>, seen: Set<object>, depth: number): void {
  if (raw === undefined || converted === undefined || typeof converted !== 'object' || depth > 32 || seen.has(converted)) return;
  seen.add(converted);
  // An inline object the registry named: its body is among the named schemas.
  const named = refName(converted);
  if (named !== undefined && typeof raw['$ref'] !== 'string') return walk(raw, schemas[named], schemas, seen, depth + 1);
  const rawProps = record(raw['properties']);
  const props = record(converted['properties']) as Record<string, JsonSchema> | undefined;
  if (rawProps !== undefined && props !== undefined) {
    for (const [key, rawProp] of Object.entries(rawProps)) {
      const prop = props[key];
      const rp = record(rawProp);
      if (rp === undefined || prop === undefined || typeof prop !== 'object') continue;
      if (typeof rp['$ref'] === 'string') {
        if (rp['default'] !== undefined && prop['default'] === undefined && refName(prop) !== undefined) prop['default'] = structuredClone(rp['default']);
        continue;
      }
      walk(rp, prop, schemas, seen, depth + 1);
    }
  }
  const rawItems = record(raw['items']);
  if (rawItems !== undefined && typeof rawItems['$ref'] !== 'string') walk(rawItems, converted['items'] as JsonSchema | undefined, schemas, seen, depth + 1);
}

function record(value: unknown): SchemaObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as SchemaObject) : undefined;
}
