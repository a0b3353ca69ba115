/**
 * Which top-level field routes a channel's incoming messages (DESIGN §3), and each message's value.
 */
import type { JsonSchema } from './types.js';

/** Fields tried, in this order, when the document does not say and `--discriminator` is not given. */
const PREFERRED = ['action', 'type', 'event', 'op', 'method', 'kind', 'cmd', 'command', 'channel', 'e'];

/** The value `schema` fixes for top-level property `field` (`const`, one-value `enum`, `^value$`), if any. */
export function fixedValue(schema: JsonSchema, field: string, resolve: (s: JsonSchema) => JsonSchema): string | undefined {
  const s = resolve(schema);
  if (typeof s !== 'object') return undefined;
  const props = s['properties'];
  if (props !== null && typeof props === 'object') {
    const prop = (props as Record<string, JsonSchema>)[field];
    if (prop !== undefined) {
      const value = literalOf(resolve(prop));
      if (value !== undefined) return value;
    }
  }
  for (const part of Array.isArray(s['allOf']) ? (s['allOf'] as JsonSchema[]) : []) {
    const value = fixedValue(part, field, resolve);
    if (value !== undefined) return value;
  }
  return undefined;
}

function literalOf(prop: JsonSchema): string | undefined {
  if (typeof prop !== 'object') return undefined;
  const c = prop['const'];
  if (typeof c === 'string') return c;
  const e = prop['enum'];
  if (Array.isArray(e) && e.length === 1 && typeof e[0] === 'string') return e[0];
  const p = prop['pattern'];
  if (typeof p === 'string') {
    const m = /^\^([A-Za-z0-9_\-.:/ ]*)\$$/.exec(p);
    // Only patterns that match exactly one string: no regex metacharacters between ^ and $ (a `.` is one).
    if (m && !m[1]!.includes('.')) return m[1];
  }
  return undefined;
}

/** Top-level property names of a schema (through allOf), for detection. */
function topLevelFields(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): string[] {
  const s = resolve(schema);
  if (typeof s !== 'object') return [];
  const own = s['properties'] !== null && typeof s['properties'] === 'object' ? Object.keys(s['properties'] as object) : [];
  const parts = Array.isArray(s['allOf']) ? (s['allOf'] as JsonSchema[]).flatMap((p) => topLevelFields(p, resolve)) : [];
  return [...own, ...parts];
}

/**
 * The field every one of `schemas` fixes, preferring `action`, then the usual names, then any
 * other field in alphabetical order. Undefined when there is none.
 */
export function detectDiscriminator(schemas: readonly JsonSchema[], resolve: (s: JsonSchema) => JsonSchema): string | undefined {
  if (schemas.length === 0) return undefined;
  const candidates = [...new Set(topLevelFields(schemas[0]!, resolve))].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return candidates.find((field) => schemas.every((s) => fixedValue(s, field, resolve) !== undefined));
}

function rank(field: string): number {
  const i = PREFERRED.indexOf(field);
  return i === -1 ? PREFERRED.length : i;
}
