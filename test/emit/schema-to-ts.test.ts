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
    ['tuple (items array)', { type: 'array', items: [{ type: 'string' }, { type: 'number' }], maxItems: 2 }, '[string, number]'],
    ['open tuple', { type: 'array', items: [{ type: 'string' }] }, '[string, ...unknown[]]'],
    [
      'prefixItems with optional tail',
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], minItems: 1, items: false },
      '[string, number?]',
    ],
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
    expect(declareType('Ping', schema, { literalsRequired: true, tag: { field: 'kind', value: 'x' } })).toBe(
      ['export interface Ping {', "  action: 'ping';", "  kind: 'x';", '  /** @default null */', '  payload?: null;', '}', ''].join('\n'),
    );
  });

  it('uses a type alias for what an interface cannot say', () => {
    expect(declareType('Shape', { oneOf: [{ $ref: '#/$defs/Circle' }, { $ref: '#/$defs/Square' }] })).toBe('export type Shape = Circle | Square;\n');
  });
});
