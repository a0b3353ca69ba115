/**
 * Defaults on the way out (issue 22): Chanx sends `model_dump()` of a pydantic model, so a field the
 * handler left out goes on the wire with its default. This emits, per channel, a function that
 * fills in the defaults the document declares for the messages the channel sends, decided now:
 * a channel whose messages declare none gets no function, and its frames cost nothing more.
 *
 * What is filled: `default` of an object's `properties` (also beside a `$ref`), inside named and
 * inline object schemas and array `items`, to any depth. The handler's objects are never changed:
 * a filled object is a copy, made only when something is missing. Inside `anyOf` / `oneOf` nothing
 * is filled (which branch pydantic would pick is not known before validation).
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema, MessageModel, SchemaObject } from '../model/types.js';
import { refName } from '../model/schema-registry.js';
import { jsonLiteral, stringLiteral } from './escape.js';

export interface DefaultsCode {
  /** The function's name (`fillRoomChatDefaults`). */
  name: string;
  /** Its declaration and its helpers, as TypeScript. */
  code: string;
}

/**
 * The filler of one channel's outgoing messages, or undefined when none of them declares a default.
 * `field` is the discriminator the messages are told apart by (their `const`).
 */
export function defaultsFiller(name: string, messages: readonly MessageModel[], field: string, schemas: Record<string, JsonSchema>): DefaultsCode | undefined {
  const writer = new FillerWriter(schemas);
  const cases: string[] = [];
  for (const m of messages) {
    const tag = m.tag ?? constOf(schemas[m.typeName], field, schemas);
    if (tag === undefined) continue;
    const fn = writer.named(m.typeName);
    if (fn !== undefined) cases.push(`    case ${stringLiteral(tag)}:\n      return ${fn}(message as Record<string, unknown>);`);
  }
  if (cases.length === 0) return undefined;
  const code = [
    `/** Fills in the defaults the document declares for what this channel sends (pydantic's model_dump in Chanx). */`,
    `function ${name}(message: unknown): unknown {`,
    `  if (!isRecord(message)) return message;`,
    `  switch (message[${stringLiteral(field)}]) {`,
    ...[...new Set(cases)],
    `    default:`,
    `      return message;`,
    `  }`,
    `}`,
    '',
    `function isRecord(value: unknown): value is Record<string, unknown> {`,
    `  return value !== null && typeof value === 'object' && !Array.isArray(value);`,
    `}`,
    ...writer.functions,
  ].join('\n');
  return { name, code };
}

class FillerWriter {
  readonly functions: string[] = [];
  /** Named schema -> its function's name, or null when it fills nothing (or is being written). */
  private readonly done = new Map<string, string | null>();
  private count = 0;

  constructor(private readonly schemas: Record<string, JsonSchema>) {}

  /** The function that fills a named schema's objects, or undefined when it has no defaults. */
  named(typeName: string): string | undefined {
    const known = this.done.get(typeName);
    if (known !== undefined) return known ?? undefined;
    // A schema that refers to itself: while it is written, the inner reference fills nothing more.
    this.done.set(typeName, null);
    const fn = this.object(this.schemas[typeName] ?? true, `defaultsOf${typeName}`);
    this.done.set(typeName, fn ?? null);
    return fn;
  }

  /** A function `(value: Record<string, unknown>) => Record<string, unknown>` for an object schema, or undefined. */
  private object(schema: JsonSchema, name: string): string | undefined {
    if (typeof schema !== 'object') return undefined;
    const named = refName(schema);
    if (named !== undefined) return this.named(named);
    const properties = schema['properties'];
    if (properties === null || typeof properties !== 'object') return undefined;
    const steps: string[] = [];
    for (const [key, prop] of Object.entries(properties as Record<string, JsonSchema>)) {
      const k = stringLiteral(key);
      // A const's default (Chanx's `action`) is what the typed message already carries: nothing to fill.
      if (typeof prop === 'object' && prop['default'] !== undefined && !isDeepStrictEqual(prop['default'], prop['const'])) {
        steps.push(`  if (value[${k}] === undefined) (out ??= { ...value })[${k}] = ${jsonLiteral(prop['default'])};`);
      }
      const inner = this.value(prop, `${name}_${this.count++}`);
      if (inner !== undefined) {
        steps.push(`  {`, `    const v = value[${k}];`, `    const f = ${inner}(v);`, `    if (f !== v) (out ??= { ...value })[${k}] = f;`, `  }`);
      }
    }
    if (steps.length === 0) return undefined;
    this.functions.push(
      '',
      `function ${name}(value: Record<string, unknown>): Record<string, unknown> {`,
      `  let out: Record<string, unknown> | undefined;`,
      ...steps,
      `  return out ?? value;`,
      `}`,
    );
    return name;
  }

  /** A function `(v: unknown) => unknown` for a property's value (an object, or an array of them), or undefined. */
  private value(schema: JsonSchema, name: string): string | undefined {
    if (typeof schema !== 'object') return undefined;
    const items = schema['items'];
    if (items !== undefined && typeof items === 'object' && !Array.isArray(items)) {
      const each = this.value(items as JsonSchema, `${name}_items`);
      if (each === undefined) return undefined;
      this.functions.push(
        '',
        `function ${name}(v: unknown): unknown {`,
        `  if (!Array.isArray(v)) return v;`,
        `  const out = v.map(${each});`,
        `  return out.every((x, i) => x === v[i]) ? v : out;`,
        `}`,
      );
      return name;
    }
    const fill = this.object(schema, `${name}_object`);
    if (fill === undefined) return undefined;
    const wrapper = `${name}_value`;
    this.functions.push('', `function ${wrapper}(v: unknown): unknown {`, `  return isRecord(v) ? ${fill}(v) : v;`, `}`);
    return wrapper;
  }
}

/** The `const` of `field` in a message's schema (following a reference), as the message's tag. */
function constOf(schema: JsonSchema | undefined, field: string, schemas: Record<string, JsonSchema>, depth = 0): string | undefined {
  if (schema === undefined || typeof schema !== 'object' || depth > 8) return undefined;
  const named = refName(schema);
  if (named !== undefined) return constOf(schemas[named], field, schemas, depth + 1);
  const prop = (schema['properties'] as Record<string, SchemaObject> | undefined)?.[field];
  const value = prop?.['const'];
  return typeof value === 'string' ? value : undefined;
}
