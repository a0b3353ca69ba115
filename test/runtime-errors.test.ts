/** ajv errors become Chanx (pydantic) error items; checked against a real compiled validator. */
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { MAX_ERROR_ITEMS, toErrorItems } from '../src/runtime/protocol/validation-errors.js';
import { rejectUnmatched } from '../src/runtime/protocol/rejections.js';

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile({
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 2, pattern: '^[a-z]+$' },
    level: { enum: ['low', 'high'] },
    count: { type: 'integer', minimum: 1 },
    items: { type: 'array', items: { type: 'object', properties: { 'a/b': { type: 'boolean' } } }, maxItems: 2 },
    closed: { type: 'object', additionalProperties: false },
  },
  required: ['name'],
});

describe('validation errors in Chanx form', () => {
  it.each([
    [{}, [{ type: 'missing', loc: ['t', 'name'], msg: 'Field required' }]],
    [{ name: 5 }, [{ type: 'string_type', loc: ['t', 'name'], msg: 'Input should be a valid string' }]],
    [
      { name: 'A' },
      [
        { type: 'string_too_short', loc: ['t', 'name'], msg: 'String should have at least 2 characters' },
        { type: 'string_pattern_mismatch', loc: ['t', 'name'], msg: "String should match pattern '^[a-z]+$'" },
      ],
    ],
    [{ name: 'ok', level: 'mid' }, [{ type: 'literal_error', loc: ['t', 'level'], msg: "Input should be 'low' or 'high'" }]],
    [{ name: 'ok', count: 0 }, [{ type: 'greater_than_equal', loc: ['t', 'count'], msg: 'Input should be greater than or equal to 1' }]],
    [{ name: 'ok', count: 1.5 }, [{ type: 'int_type', loc: ['t', 'count'], msg: 'Input should be a valid integer' }]],
    [{ name: 'ok', items: [{}, { 'a/b': 1 }] }, [{ type: 'bool_type', loc: ['t', 'items', 1, 'a/b'], msg: 'Input should be a valid boolean' }]],
    // pydantic adds "after validation, not 3"; ajv's error does not carry the count.
    [
      { name: 'ok', items: [1, 2, 3] },
      expect.arrayContaining([{ type: 'too_long', loc: ['t', 'items'], msg: expect.stringMatching(/^List should have at most 2 items\b/) }]),
    ],
    [{ name: 'ok', closed: { x: 1 } }, [{ type: 'extra_forbidden', loc: ['t', 'closed', 'x'], msg: 'Extra inputs are not permitted' }]],
  ])('%j', (data, want) => {
    expect(validate(data)).toBe(false);
    expect(toErrorItems(['t'], validate.errors)).toEqual(want);
  });
});

describe("an optional value (anyOf with null): pydantic's Optional[X] reports X's errors only", () => {
  const optional = new Ajv({ allErrors: true }).compile({
    type: 'object',
    properties: {
      maybe: { anyOf: [{ type: 'object', properties: { n: { type: 'integer' } } }, { type: 'null' }] },
      maybes: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
    },
  });
  it.each([
    // The error under the optional value (at maybe/n) silences the null branch's at maybe.
    [{ maybe: { n: 'x' } }, [{ type: 'int_type', loc: ['t', 'maybe', 'n'], msg: 'Input should be a valid integer' }]],
    [{ maybe: 5 }, [{ type: 'dict_type', loc: ['t', 'maybe'], msg: 'Input should be a valid dictionary' }]],
    [
      { maybes: [1, 'a', 2] },
      [
        { type: 'string_type', loc: ['t', 'maybes', 0], msg: 'Input should be a valid string' },
        { type: 'string_type', loc: ['t', 'maybes', 2], msg: 'Input should be a valid string' },
      ],
    ],
  ])('%j', (data, want) => {
    expect(optional(data)).toBe(false);
    expect(toErrorItems(['t'], optional.errors, undefined, data)).toEqual(want);
  });
});

describe('a frame with more errors than an error frame lists', () => {
  const list = new Ajv({ allErrors: true }).compile({ type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } });

  it(`lists the first MAX_ERROR_ITEMS (${MAX_ERROR_ITEMS}), in order`, () => {
    expect(list({ tags: Array.from({ length: 5000 }, (_, i) => i) })).toBe(false);
    expect(list.errors).toHaveLength(5000);
    const items = toErrorItems(['t'], list.errors);
    expect(items).toHaveLength(MAX_ERROR_ITEMS);
    expect(items.map((i) => i.loc)).toEqual(Array.from({ length: MAX_ERROR_ITEMS }, (_, i) => ['t', 'tags', i]));
  });

  it('and no more when the frame matched none of several messages (no discriminator)', () => {
    list({ tags: Array.from({ length: 300 }, (_, i) => i) });
    const errors = list.errors;
    const rejection = rejectUnmatched([
      ['A', errors],
      ['B', errors],
    ]);
    const payload = rejection.payload as { loc: unknown[] }[];
    expect(payload).toHaveLength(MAX_ERROR_ITEMS);
    expect(payload.every((i) => i.loc[0] === 'A')).toBe(true);
  });
});
