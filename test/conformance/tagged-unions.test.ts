/**
 * pydantic's discriminated unions (a payload's oneOf with a discriminator) in error frames, as
 * pydantic-core's tagged-union validator answers: the branch is picked by the tag, so a value that is
 * no object is `model_attributes_type`, a missing tag `union_tag_not_found`, an unknown one
 * `union_tag_invalid` (the expected tags in the document's order), and a known one gets that branch's
 * errors alone, with the tag in `loc` after the union's place. Found by a probe: ajv checks the oneOf
 * as a plain one and every branch's errors went out. A spec with such unions (at the top of a
 * payload, inline branches with AsyncAPI's string discriminator, inside a named schema that ajv
 * compiles as a function of its own) is generated once; frames go through dispatchFrame.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchFrame, type ChannelDefinition, type ConnectionContext } from 'chanx-gen/runtime';
import { taggedUnions } from '../../src/emit/tagged-unions.js';
import type { JsonSchema } from '../../src/model/types.js';
import { runPipeline } from '../../src/pipeline.js';
import { applyPlan } from '../../src/write/apply-plan.js';
import { scratch } from '../helpers/cli.js';

const SPEC = `asyncapi: 3.0.0
info: { title: unions, version: '1' }
channels:
  shapes:
    address: /shapes
    messages:
      shape: { payload: { $ref: '#/components/schemas/ShapeMessage' } }
      pick:
        payload:
          type: object
          properties:
            action: { const: pick }
            payload:
              oneOf:
                - { type: object, properties: { kind: { const: a }, x: { type: integer } }, required: [kind, x] }
                - { type: object, properties: { kind: { const: b }, y: { type: string } }, required: [kind, y] }
              discriminator: kind
          required: [payload]
      drawing:
        payload:
          type: object
          properties:
            action: { const: drawing }
            payload: { type: object, properties: { layers: { type: array, items: { $ref: '#/components/schemas/Layer' } } }, required: [layers] }
          required: [payload]
      extras:
        payload:
          type: object
          properties:
            action: { const: extras }
            payload:
              type: object
              properties:
                opt:
                  anyOf:
                    - { oneOf: [{ $ref: '#/components/schemas/Circle' }, { $ref: '#/components/schemas/Square' }], discriminator: kind }
                    - { type: 'null' }
                typed: { type: object, oneOf: [{ $ref: '#/components/schemas/Circle' }, { $ref: '#/components/schemas/Square' }], discriminator: kind }
          required: [payload]
operations:
  receive: { action: receive, channel: { $ref: '#/channels/shapes' } }
components:
  schemas:
    Circle:
      type: object
      properties: { kind: { type: string, const: circle }, radius: { type: number, exclusiveMinimum: 0 } }
      required: [kind, radius]
    Square:
      type: object
      properties: { kind: { type: string, const: square }, side: { type: number, minimum: 0 } }
      required: [kind, side]
    ShapeMessage:
      type: object
      properties:
        action: { type: string, const: shape, default: shape }
        payload:
          oneOf: [{ $ref: '#/components/schemas/Circle' }, { $ref: '#/components/schemas/Square' }]
          discriminator: { propertyName: kind, mapping: { circle: '#/components/schemas/Circle', square: '#/components/schemas/Square' } }
      required: [payload]
    Layer:
      type: object
      properties:
        name: { type: string }
        shape:
          oneOf: [{ $ref: '#/components/schemas/Circle' }, { $ref: '#/components/schemas/Square' }]
          discriminator: kind
      required: [shape]
`;

type Channel = ChannelDefinition<unknown, unknown, unknown>;
let shapes: Channel;
const handlers = { onShape: () => undefined, onPick: () => undefined, onDrawing: () => undefined, onExtras: () => undefined };
const ctx = {} as ConnectionContext<unknown, unknown>;

/** The error items a client gets back for `frame`. */
function errorsFor(frame: unknown): unknown {
  const answer = dispatchFrame(JSON.stringify(frame), shapes, handlers, ctx, () => undefined);
  expect(typeof answer).toBe('string');
  const parsed = JSON.parse(answer as string) as { action: string; payload: unknown };
  expect(parsed.action).toBe('error');
  return parsed.payload;
}

beforeAll(async () => {
  const dir = scratch();
  writeFileSync(path.join(dir, 'spec.yaml'), SPEC);
  applyPlan((await runPipeline({ spec: 'spec.yaml', out: path.join(dir, 'out'), cwd: dir })).plan);
  shapes = ((await import(path.join(dir, 'out', 'shapes', 'router.ts'))) as Record<string, Channel>)['shapesChannel']!;
});

const EXPECTED = "'circle', 'square'";

describe('a discriminated union at the top of a payload (branches are named schemas, with a mapping)', () => {
  const shape = (payload: unknown) => errorsFor({ action: 'shape', payload });

  it('answers a tag no branch has with union_tag_invalid alone, the expected tags in order', () => {
    expect(shape({ kind: 'hexagon' })).toEqual([
      {
        type: 'union_tag_invalid',
        loc: ['shape', 'payload'],
        msg: `Input tag 'hexagon' found using 'kind' does not match any of the expected tags: ${EXPECTED}`,
      },
    ]);
    expect(shape({ kind: 5, side: 1 })).toEqual([
      { type: 'union_tag_invalid', loc: ['shape', 'payload'], msg: `Input tag '5' found using 'kind' does not match any of the expected tags: ${EXPECTED}` },
    ]);
  });

  it('answers a missing tag with union_tag_not_found, and a value that is no object with model_attributes_type', () => {
    expect(shape({ side: 1 })).toEqual([{ type: 'union_tag_not_found', loc: ['shape', 'payload'], msg: "Unable to extract tag using discriminator 'kind'" }]);
    for (const payload of ['x', 3, [], null])
      expect(shape(payload)).toEqual([
        { type: 'model_attributes_type', loc: ['shape', 'payload'], msg: 'Input should be a valid dictionary or object to extract fields from' },
      ]);
  });

  it("answers a known tag with that branch's errors alone, the tag in loc after the union", () => {
    expect(shape({ kind: 'circle' })).toEqual([{ type: 'missing', loc: ['shape', 'payload', 'circle', 'radius'], msg: 'Field required' }]);
    expect(shape({ kind: 'square', side: -1 })).toEqual([
      { type: 'greater_than_equal', loc: ['shape', 'payload', 'square', 'side'], msg: 'Input should be greater than or equal to 0' },
    ]);
    expect(dispatchFrame(JSON.stringify({ action: 'shape', payload: { kind: 'circle', radius: 2 } }), shapes, handlers, ctx, () => undefined)).toBeUndefined();
  });
});

it("reads AsyncAPI's string discriminator and inline branches the same way", () => {
  expect(errorsFor({ action: 'pick', payload: { kind: 'b', y: 5 } })).toEqual([
    { type: 'string_type', loc: ['pick', 'payload', 'b', 'y'], msg: 'Input should be a valid string' },
  ]);
  expect(errorsFor({ action: 'pick', payload: { kind: 'c' } })).toEqual([
    { type: 'union_tag_invalid', loc: ['pick', 'payload'], msg: "Input tag 'c' found using 'kind' does not match any of the expected tags: 'a', 'b'" },
  ]);
});

it('finds a union inside a named schema that ajv compiles as a function of its own (Layer refers to others), at any depth', () => {
  expect(errorsFor({ action: 'drawing', payload: { layers: [{ shape: { kind: 'square', side: 1 } }, { shape: { kind: 'circle' } }] } })).toEqual([
    { type: 'missing', loc: ['drawing', 'payload', 'layers', 1, 'shape', 'circle', 'radius'], msg: 'Field required' },
  ]);
  expect(errorsFor({ action: 'drawing', payload: { layers: [{ name: 'top', shape: {} }] } })).toEqual([
    { type: 'union_tag_not_found', loc: ['drawing', 'payload', 'layers', 0, 'shape'], msg: "Unable to extract tag using discriminator 'kind'" },
  ]);
});

it('answers a frame of 20,000 failed unions, tagged and capped as any error list is', () => {
  const layers = Array.from({ length: 20_000 }, (_, i) => ({ shape: i % 2 === 0 ? { kind: 'circle' } : { kind: 'hex' } }));
  const items = errorsFor({ action: 'drawing', payload: { layers } }) as { type: string; loc: unknown[] }[];
  expect(items).toHaveLength(100);
  expect(items.slice(0, 2)).toEqual([
    { type: 'missing', loc: ['drawing', 'payload', 'layers', 0, 'shape', 'circle', 'radius'], msg: 'Field required' },
    expect.objectContaining({ type: 'union_tag_invalid', loc: ['drawing', 'payload', 'layers', 1, 'shape'] }),
  ]);
});

it('says one thing where the union is optional (anyOf with null: the null branch is not said) or typed object', () => {
  const extras = (payload: unknown) => errorsFor({ action: 'extras', payload });
  const at = (field: string) => ['extras', 'payload', field];
  expect(extras({ opt: { kind: 'hex' } })).toEqual([
    { type: 'union_tag_invalid', loc: at('opt'), msg: `Input tag 'hex' found using 'kind' does not match any of the expected tags: ${EXPECTED}` },
  ]);
  expect(extras({ opt: {} })).toEqual([{ type: 'union_tag_not_found', loc: at('opt'), msg: "Unable to extract tag using discriminator 'kind'" }]);
  expect(extras({ opt: 5 })).toEqual([
    { type: 'model_attributes_type', loc: at('opt'), msg: 'Input should be a valid dictionary or object to extract fields from' },
  ]);
  expect(extras({ opt: { kind: 'circle' } })).toEqual([{ type: 'missing', loc: [...at('opt'), 'circle', 'radius'], msg: 'Field required' }]);
  expect(extras({ typed: 5 })).toEqual([
    { type: 'model_attributes_type', loc: at('typed'), msg: 'Input should be a valid dictionary or object to extract fields from' },
  ]);
  expect(dispatchFrame(JSON.stringify({ action: 'extras', payload: { opt: null } }), shapes, handlers, ctx, () => undefined)).toBeUndefined();
});

describe('unions whose errors cannot be told apart are left as ajv gives them (taggedUnions)', () => {
  const circle: JsonSchema = { type: 'object', properties: { kind: { const: 'circle' } }, required: ['kind'] };
  const square: JsonSchema = { type: 'object', properties: { kind: { const: 'square' } }, required: ['kind'] };
  const union = (branches: JsonSchema[]): JsonSchema => ({ oneOf: branches, discriminator: { propertyName: 'kind' } });

  it('keys a union by where ajv reports its oneOf, and each branch by where its errors start', () => {
    const schemas = {
      Circle: circle,
      Square: square,
      M: { type: 'object', properties: { s: union([{ $ref: '#/$defs/Circle' }, { $ref: '#/$defs/Square' }]) } },
    };
    expect(taggedUnions('M', schemas)).toEqual({
      '#/properties/s/oneOf': {
        field: 'kind',
        tags: [
          ['circle', ['#/properties/s/oneOf/0/', 'Circle/']],
          ['square', ['#/properties/s/oneOf/1/', 'Square/']],
        ],
      },
    });
  });

  it.each([
    [
      'two branches share a named schema',
      {
        Point: { type: 'object' },
        M: union([
          { ...circle, properties: { kind: { const: 'circle' }, p: { $ref: '#/$defs/Point' } } },
          { ...square, properties: { kind: { const: 'square' }, p: { $ref: '#/$defs/Point' } } },
        ]),
      },
    ],
    [
      'a branch is a function of its own (it refers to another schema)',
      {
        Point: { type: 'object' },
        Circle: { ...circle, properties: { kind: { const: 'circle' }, p: { $ref: '#/$defs/Point' } } },
        Square: square,
        M: union([{ $ref: '#/$defs/Circle' }, { $ref: '#/$defs/Square' }]),
      },
    ],
    ['a branch fixes no tag', { M: union([circle, { type: 'object' }]) }],
    [
      'a plain oneOf is reported at the same path (in a schema compiled on its own)',
      {
        Circle: circle,
        Square: square,
        Other: { type: 'object', properties: { s: { oneOf: [{ type: 'string' }, { type: 'integer' }] }, more: { $ref: '#/$defs/Other' } } },
        M: { type: 'object', properties: { s: union([{ $ref: '#/$defs/Circle' }, { $ref: '#/$defs/Square' }]), o: { $ref: '#/$defs/Other' } } },
      },
    ],
    ['two branches fix the same tag', { M: union([circle, circle]) }],
    [
      'two unions have one key (the message and a schema compiled on its own, both at /properties/s)',
      {
        Circle: circle,
        Square: square,
        Other: { type: 'object', properties: { s: union([{ $ref: '#/$defs/Square' }, { $ref: '#/$defs/Circle' }]), more: { $ref: '#/$defs/Other' } } },
        M: { type: 'object', properties: { s: union([{ $ref: '#/$defs/Circle' }, { $ref: '#/$defs/Square' }]), o: { $ref: '#/$defs/Other' } } },
      },
    ],
  ] as [string, Record<string, JsonSchema>][])('none when %s', (_how, schemas) => {
    expect(taggedUnions('M', schemas)).toEqual({});
  });
});
