/**
 * JSON Schema -> TypeScript type text. Named schemas are referred to by name; the rest is inlined.
 */
import { isIdentifier } from '../model/names.js';
import { refName } from '../model/schema-registry.js';
import type { JsonSchema, SchemaObject } from '../model/types.js';
import { jsDoc, jsonLiteral, stringLiteral } from './escape.js';

const INDENT = '  ';
const OPEN_OBJECT = '{ [key: string]: unknown }';

export interface TypeOptions {
  /**
   * Top-level properties that fix a literal are required in a message envelope: `always` in one the
   * server sends (a Chanx `action` is always sent: the client routes by it); `defaulted` in one it
   * only receives, where the validator fills in a missing one that has a default (ajv's useDefaults)
   * and lets a missing one without a default through, so the handler may not get it.
   */
  literalsRequired?: 'always' | 'defaulted';
  /** The routing field of a message envelope and its value: typed as that literal, and required. */
  tag?: { field: string; value: string };
  /** The document's name for the type, when the type has another (that name was taken). */
  renamedFrom?: string;
}

/** `export interface X {...}` or `export type X = ...;`, with its JSDoc. */
export function declareType(name: string, schema: JsonSchema, options: TypeOptions = {}): string {
  const renamed =
    options.renamedFrom === undefined ? undefined : `Named ${JSON.stringify(options.renamedFrom)} in the document; that name is taken in the generated code.`;
  const doc = typeof schema === 'object' ? schemaDoc(schema, '', renamed) : jsDoc([renamed], '');
  if (typeof schema === 'object' && isPlainObject(schema)) {
    return `${doc}export interface ${name} ${objectType(schema, '', options)}\n`;
  }
  return `${doc}export type ${name} = ${tsType(schema, '', options)};\n`;
}

/** A plain object schema: properties and nothing that needs a union or intersection. */
function isPlainObject(s: SchemaObject): boolean {
  const combinators = ['oneOf', 'anyOf', 'allOf', 'enum', 'const', '$ref', 'not'];
  return (
    (s['type'] === 'object' || (s['type'] === undefined && s['properties'] !== undefined)) &&
    !combinators.some((k) => s[k] !== undefined) &&
    s['nullable'] !== true
  );
}

export function tsType(schema: JsonSchema, indent: string, options: TypeOptions = {}): string {
  if (schema === true) return 'unknown';
  if (schema === false) return 'never';
  const named = refName(schema);
  if (named !== undefined) return named;
  const s = schema;
  // `not: {}` admits nothing.
  const not = s['not'];
  if (not === true || (not !== null && typeof not === 'object' && !Array.isArray(not) && Object.keys(not).length === 0)) return 'never';
  let type: string;
  if (s['const'] !== undefined) type = jsonLiteral(s['const']);
  else if (Array.isArray(s['enum'])) type = union(s['enum'].map(jsonLiteral));
  else type = structuralType(s, indent, options);

  const nested: TypeOptions = {};
  const parts = [type];
  for (const key of ['oneOf', 'anyOf'] as const) {
    const alts = s[key];
    if (Array.isArray(alts) && alts.length > 0) parts.push(union(alts.map((a) => tsType(a as JsonSchema, indent, nested))));
  }
  const all = s['allOf'];
  if (Array.isArray(all)) for (const a of all) parts.push(tsType(a as JsonSchema, indent, nested));
  // `type: object` beside a union or intersection adds nothing a reader needs.
  const combined = parts.length > 1;
  const known = parts.filter((p, i) => p !== 'unknown' && !(combined && i === 0 && p === OPEN_OBJECT));
  let result = known.length === 0 ? 'unknown' : known.length === 1 ? known[0]! : known.map(wrap).join(' & ');
  if (admitsNull(s) && result !== 'unknown' && result !== 'null') result = `${wrap(result)} | null`;
  return result;
}

/**
 * OpenAPI's `nullable: true` as the validator reads it (ajv's `nullable`, emit/validators.ts): null
 * beside a `type`, but not past an `enum` or `const` that leaves null out; without a `type` the keyword is
 * dropped, and null then passes only where nothing else (a combinator) says otherwise.
 */
function admitsNull(s: SchemaObject): boolean {
  if (s['nullable'] !== true || s['const'] !== undefined || Array.isArray(s['enum'])) return false;
  return s['type'] !== undefined || ['oneOf', 'anyOf', 'allOf', 'not'].every((k) => s[k] === undefined);
}

function structuralType(s: SchemaObject, indent: string, options: TypeOptions): string {
  const declared = s['type'];
  const types = Array.isArray(declared) ? (declared as string[]) : typeof declared === 'string' ? [declared] : inferTypes(s);
  if (types.length === 0) return 'unknown';
  return union(types.map((t) => primitive(t, s, indent, options)));
}

function inferTypes(s: SchemaObject): string[] {
  if (s['properties'] !== undefined || s['additionalProperties'] !== undefined || s['patternProperties'] !== undefined || s['required'] !== undefined)
    return ['object'];
  if (s['items'] !== undefined) return ['array'];
  return [];
}

function primitive(t: string, s: SchemaObject, indent: string, options: TypeOptions): string {
  switch (t) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return arrayType(s, indent);
    case 'object':
      return objectType(s, indent, options);
    default:
      return 'unknown';
  }
}

/**
 * As draft-07 (the validator's draft) reads an array: `items` as a list is a tuple whose elements may
 * each be missing from the end (unless `minItems` says otherwise), `additionalItems` the rest;
 * 2020-12's `prefixItems` is an unknown keyword there (the validator warns and ignores it).
 */
function arrayType(s: SchemaObject, indent: string): string {
  const tuple = Array.isArray(s['items']) ? (s['items'] as JsonSchema[]) : undefined;
  if (tuple !== undefined) {
    const rest = s['additionalItems'];
    const minItems = typeof s['minItems'] === 'number' ? s['minItems'] : 0;
    const closed = rest === false || (typeof s['maxItems'] === 'number' && s['maxItems'] <= tuple.length);
    const elems = tuple.map((t, i) => `${tsType(t, indent)}${i >= minItems ? '?' : ''}`);
    if (!closed) elems.push(`...${rest === undefined ? 'unknown' : wrap(tsType(rest as JsonSchema, indent))}[]`);
    return `[${elems.join(', ')}]`;
  }
  const items = s['items'] === undefined ? true : (s['items'] as JsonSchema);
  return `${wrap(tsType(items, indent))}[]`;
}

function objectType(s: SchemaObject, indent: string, options: TypeOptions): string {
  const inner = indent + INDENT;
  const props = (s['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(s['required']) ? (s['required'] as string[]) : []);
  const lines: string[] = [];
  const propTypes: string[] = [];
  for (const key of Object.keys(props)) {
    const prop = props[key]!;
    const isTag = options.tag?.field === key;
    const type = isTag ? stringLiteral(options.tag!.value) : tsType(prop, inner);
    propTypes.push(type);
    const literal = options.literalsRequired !== undefined && fixesLiteral(prop) && (options.literalsRequired === 'always' || hasDefault(prop));
    const isRequired = isTag || required.has(key) || literal;
    const doc = typeof prop === 'object' ? schemaDoc(prop, inner) : '';
    lines.push(`${doc}${inner}${isIdentifier(key) ? key : stringLiteral(key)}${isRequired ? '' : '?'}: ${type};`);
  }
  const extra = s['additionalProperties'];
  const patterns = s['patternProperties'];
  const indexTypes: string[] = [];
  if (extra !== undefined && extra !== false) indexTypes.push(tsType(extra as JsonSchema, inner));
  if (patterns !== null && typeof patterns === 'object') for (const p of Object.values(patterns)) indexTypes.push(tsType(p as JsonSchema, inner));
  if (indexTypes.length > 0) {
    // An index signature must admit every named property too (and undefined, for optional ones).
    const anyOptional = Object.keys(props).some((k) => !required.has(k));
    const value = union([...indexTypes, ...propTypes, ...(anyOptional ? ['undefined'] : [])]);
    lines.push(`${inner}[key: string]: ${value};`);
  }
  if (lines.length === 0) return s['additionalProperties'] === false ? 'Record<string, never>' : OPEN_OBJECT;
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** A default the validator fills in (ajv's useDefaults) where the property is missing. */
function hasDefault(prop: JsonSchema): boolean {
  return typeof prop === 'object' && prop['default'] !== undefined;
}

function fixesLiteral(prop: JsonSchema): boolean {
  return typeof prop === 'object' && (prop['const'] !== undefined || (Array.isArray(prop['enum']) && prop['enum'].length === 1));
}

function schemaDoc(s: SchemaObject, indent: string, renamed?: string): string {
  const notes: (string | undefined)[] = [str(s['description']), renamed];
  if (s['format'] !== undefined) notes.push(`Format: ${String(s['format'])}`);
  if (s['default'] !== undefined && s['const'] === undefined) notes.push(`@default ${JSON.stringify(s['default'])}`);
  if (Array.isArray(s['examples'])) for (const e of s['examples']) notes.push(`@example ${JSON.stringify(e)}`);
  if (s['deprecated'] === true) notes.push('@deprecated');
  return jsDoc(notes, indent);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.length === 0) return 'never';
  if (unique.includes('unknown')) return 'unknown';
  return unique.map((t) => (unique.length > 1 ? wrapFunctionLike(t) : t)).join(' | ');
}

function wrapFunctionLike(t: string): string {
  return t.includes(' & ') && !t.startsWith('(') ? `(${t})` : t;
}

/** Parenthesise a type that would bind wrongly before `[]`, `&` or `|`. */
function wrap(t: string): string {
  return /^[A-Za-z0-9_$.]+$/.test(t) ||
    /^'.*'$/.test(t) ||
    (t.startsWith('{') && t.endsWith('}')) ||
    (t.startsWith('[') && t.endsWith(']')) ||
    (t.startsWith('(') && t.endsWith(')') && balanced(t))
    ? t
    : `(${t})`;
}

function balanced(t: string): boolean {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '(') depth++;
    else if (t[i] === ')') depth--;
    if (depth === 0 && i < t.length - 1) return false;
  }
  return true;
}
