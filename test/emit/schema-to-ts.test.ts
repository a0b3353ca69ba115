import { describe, expect, it } from 'vitest';
import { declareType, tsType } from '../../src/emit/schema-to-ts.js';
import type { JsonSchema } from '../../src/model/types.js';

describe('JSON Schema to TypeScript', () => {
  it.each<[string, JsonSchema, string]>([
    ['true', true, 'unknown'],
    ['false', false, 'never'],
    ['a named ref', { $ref: '#/$defs/MessagePayload' }, 'MessagePayload'],
    ['string', { type: 'string' }, 'string'],
    ['integer', { type: 'integer' }, 'number'],
    ['type array', { type: ['string', 'null'] }, 'string | null'],
    ['nullable', { type: 'string', nullable: true }, 'string | null'],
    ['const', { const: "it's" }, "'it\\'s'"],
    ['enum', { enum: ['a', 1, null] }, "'a' | 1 | null"],
    ['array', { type: 'array', items: { type: 'string' } }, 'string[]'],
    ['array of a union', { type: 'array', items: { type: ['string', 'number'] } }, '(string | number)[]'],
    // draft-07 (the validator's): a tuple's elements may be missing from the end, down to minItems.
    ['tuple (items array)', { type: 'array', items: [{ type: 'string' }, { type: 'number' }], maxItems: 2 }, '[string?, number?]'],
    ['open tuple', { type: 'array', items: [{ type: 'string' }] }, '[string?, ...unknown[]]'],
    ['tuple with minItems', { type: 'array', items: [{ type: 'string' }, { type: 'number' }], minItems: 1, additionalItems: false }, '[string, number?]'],
    // 2020-12's prefixItems is unknown to draft-07: `items: false` leaves only the empty array.
    ['prefixItems, as draft-07 reads it', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], minItems: 1, items: false }, 'never[]'],
    ['nullable enum: null only where the enum has it', { type: 'string', enum: ['x', 'y'], nullable: true }, "'x' | 'y'"],
    ['nullable beside a type', { type: 'string', nullable: true }, 'string | null'],
    ['not: {} admits nothing', { not: {} }, 'never'],
    ['oneOf', { oneOf: [{ $ref: '#/$defs/A' }, { $ref: '#/$defs/B' }] }, 'A | B'],
    ['anyOf of primitives', { anyOf: [{ type: 'string' }, { type: 'integer' }] }, 'string | number'],
    ['allOf', { allOf: [{ $ref: '#/$defs/A' }, { $ref: '#/$defs/B' }] }, 'A & B'],
    ['record', { type: 'object', additionalProperties: { type: 'integer' } }, '{\n  [key: string]: number;\n}'],
    ['empty object', { type: 'object' }, '{ [key: string]: unknown }'],
    ['closed empty object', { type: 'object', additionalProperties: false }, 'Record<string, never>'],
  ])('%s', (_name, schema, want) => expect(tsType(schema, '')).toBe(want));

  it('writes required and optional properties, quoted keys, docs, and an index signature that admits them', () => {
    const schema: JsonSchema = {
      type: 'object',
      description: 'A thing. */ not the end',
      properties: {
        id: { type: 'integer', description: 'The id' },
        'two words': { type: 'string', deprecated: true },
        tags: { type: 'array', items: { type: 'string' }, examples: [['a']] },
      },
      required: ['id'],
      additionalProperties: { type: 'boolean' },
    };
    expect(declareType('Thing', schema)).toBe(
      [
        '/** A thing. *\\/ not the end */',
        'export interface Thing {',
        '  /** The id */',
        '  id: number;',
        '  /** @deprecated */',
        "  'two words'?: string;",
        '  /** @example ["a"] */',
        '  tags?: string[];',
        '  [key: string]: boolean | number | string | string[] | undefined;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('types a message envelope: literals required, the routing field as its tag', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        action: { type: 'string', const: 'ping', default: 'ping' },
        kind: { type: 'string', pattern: '^x$' },
        payload: { type: 'null', default: null },
      },
    };
    expect(declareType('Ping', schema, { literalsRequired: 'always', tag: { field: 'kind', value: 'x' } })).toBe(
      ['export interface Ping {', "  action: 'ping';", "  kind: 'x';", '  /** @default null */', '  payload?: null;', '}', ''].join('\n'),
    );
  });

  it('in a message the server only receives, a literal is required where the validator fills it in (a default) only', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { action: { const: 'm' }, d: { type: 'number', const: 1e-7 }, v: { const: 2, default: 2 } },
      required: ['action'],
    };
    expect(declareType('M', schema, { literalsRequired: 'defaulted' })).toBe(
      ['export interface M {', "  action: 'm';", '  d?: 1e-7;', '  v: 2;', '}', ''].join('\n'),
    );
    expect(declareType('M', schema, { literalsRequired: 'always' })).toContain('  d: 1e-7;');
  });

  it('uses a type alias for what an interface cannot say', () => {
    expect(declareType('Shape', { oneOf: [{ $ref: '#/$defs/Circle' }, { $ref: '#/$defs/Square' }] })).toBe('export type Shape = Circle | Square;\n');
  });
});
