/**
 * A fast-check arbitrary of JSON values shaped by a JSON Schema (the subset AsyncAPI documents use:
 * $ref to #/$defs, const, enum, type, properties/required, additionalProperties, items, string
 * lengths, patterns, date-time, numeric bounds, oneOf/anyOf). Values aim at the schema; whether one
 * really is valid is decided by a validator, never assumed (oneOf branches may overlap).
 */
import fc from 'fast-check';

type Schema = boolean | Record<string, unknown>;

export function arbitraryFor(schema: Schema, defs: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema === 'boolean' || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  const ref = schema['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) return arbitraryFor(defs[ref.slice('#/$defs/'.length)] ?? true, defs, depth + 1);
  if ('const' in schema) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) return fc.oneof(...branches.map((b) => arbitraryFor(b as Schema, defs, depth + 1)));
  }
  const type = Array.isArray(schema['type'])
    ? (schema['type'] as string[])
    : typeof schema['type'] === 'string'
      ? [schema['type'] as string]
      : schema['properties'] !== undefined
        ? ['object']
        : [];
  if (type.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...type.map((t) => ofType(t, schema as Record<string, unknown>, defs, depth)));
}

function ofType(type: string, s: Record<string, unknown>, defs: Record<string, Schema>, depth: number): fc.Arbitrary<unknown> {
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Math.max(num('minimum') ?? -1e9, -1e9), max: Math.min(num('maximum') ?? 1e9, 1e9) });
    case 'number':
      return fc
        .double({ min: num('minimum') ?? -1e12, max: num('maximum') ?? 1e12, noNaN: true, noDefaultInfinity: true })
        .map((n) => (Object.is(n, -0) ? 0 : n));
    case 'string': {
      if (typeof s['pattern'] === 'string') return fc.stringMatching(new RegExp(s['pattern']));
      if (s['format'] === 'date-time') return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString());
      return fc.string({ unit: 'binary', minLength: num('minLength') ?? 0, maxLength: num('maxLength') ?? 12 });
    }
    case 'array':
      return fc.array(arbitraryFor((s['items'] as Schema) ?? true, defs, depth + 1), {
        minLength: num('minItems') ?? 0,
        maxLength: Math.min(num('maxItems') ?? 4, 4),
      });
    case 'object': {
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      const required = new Set((s['required'] ?? []) as string[]);
      const parts: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, sub] of Object.entries(props)) parts[name] = arbitraryFor(sub, defs, depth + 1);
      const extra = s['additionalProperties'];
      const extras =
        extra === false
          ? fc.constant({})
          : fc.dictionary(
              fc.string({ maxLength: 6 }).filter((k) => !(k in props)),
              extra === undefined || extra === true ? fc.jsonValue({ maxDepth: 1 }) : arbitraryFor(extra as Schema, defs, depth + 1),
              { maxKeys: 2 },
            );
      return fc
        .tuple(fc.record(parts, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) }), extras)
        .map(([known, more]) => ({ ...more, ...known }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Breaks a value at one random place: a key removed, a value replaced by another JSON value. */
export function mutated(value: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.boolean()).map(([pick, replacement, remove]) => {
    const copy = structuredClone(value);
    const spots: [Record<string, unknown> | unknown[], string | number][] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v))
        v.forEach((item, i) => {
          spots.push([v, i]);
          walk(item);
        });
      else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) spots.push([v as Record<string, unknown>, k]), walk(item);
    };
    walk(copy);
    if (spots.length === 0) return replacement;
    const [parent, at] = spots[pick % spots.length]!;
    if (remove && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[at as string];
    else (parent as Record<string | number, unknown>)[at] = replacement;
    return copy;
  });
}
