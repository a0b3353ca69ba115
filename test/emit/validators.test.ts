/**
 * emit/validators.ts compiles each message on its own and reuses one ajv for all of them, emptied
 * between messages: a message's code and warnings must not depend on what was compiled before it,
 * and each message's code must run on its own (in the arrow function it sits in).
 */
import { expect, it } from 'vitest';
import type { JsonSchema } from '../../src/model/types.js';
import { messageValidator, standaloneValidators } from '../../src/emit/validators.js';

/** Two messages that share a referred schema, a pattern and a format ajv-formats does not know. */
function schemas(): Record<string, JsonSchema> {
  return {
    Shared: { type: 'object', properties: { at: { type: 'string', format: 'x-stamp' }, code: { type: 'string', pattern: '^[A-Z]+$' } }, required: ['code'] },
    First: { type: 'object', properties: { action: { const: 'first' }, shared: { $ref: '#/$defs/Shared' } }, required: ['shared'] },
    Second: {
      type: 'object',
      properties: { action: { const: 'second' }, items: { type: 'array', items: { $ref: '#/$defs/Shared' } }, when: { type: 'string', format: 'x-stamp' } },
    },
  } as Record<string, JsonSchema>;
}

function compileAll(order: string[]): { code: Record<string, string>; warnings: Record<string, string[]> } {
  const all = schemas(); // a document of its own: nothing kept from another order
  const code: Record<string, string> = {};
  const warnings: Record<string, string[]> = {};
  for (const name of order) {
    warnings[name] = [];
    code[name] = standaloneValidators(
      `channel-${name}`,
      [{ typeName: name, validatorName: `validate${name}` }],
      all,
      'spec.yaml',
      (w) => warnings[name]!.push(w),
      'chanx-gen/runtime',
      (t) => `Validator<${t}>`,
      true,
    );
  }
  return { code, warnings };
}

it('gives each message the same code and warnings whatever was compiled before it', () => {
  const one = compileAll(['First', 'Second']);
  const other = compileAll(['Second', 'First']);
  expect(other).toEqual(one);
  // Each names its functions from 0 in its own scope, and each warns of the format it uses.
  expect(one.code['Second']).toMatch(/^export const validateSecond: Validator<Second> = \(\(\) => \{.*function validate0\(/s);
  for (const name of ['First', 'Second'])
    expect(one.warnings[name]).toContain('format "x-stamp" is not one ajv-formats knows; values are not checked against it');
});

it('compiles a message after others as a new ajv would, where ajv itself knows an id (its meta-schema alias)', () => {
  // A new ajv knows http://json-schema.org/schema as an alias of the draft-07 meta-schema: an `$id`
  // of that name inside a message is refused; once refused, always refused, whatever came before.
  const outcome = (order: string[]): string[] => {
    const all = { ...schemas(), Aliased: { type: 'object', properties: { x: { $id: 'http://json-schema.org/schema', type: 'string' } } } } as Record<
      string,
      JsonSchema
    >;
    return order.map((name) => {
      try {
        return messageValidator(name, name, all, 'spec.yaml').length > 0 ? 'compiled' : 'empty';
      } catch (err) {
        return (err as Error).message.replace(/^.*validator: /s, '');
      }
    });
  };
  const alone = outcome(['Aliased'])[0];
  expect(alone).toMatch(/resolves to more than one schema/);
  expect(outcome(['First', 'Aliased', 'Second', 'Aliased'])).toEqual(['compiled', alone, 'compiled', alone]);
});

it('gives a validator that runs on its own, with its errors on itself', () => {
  const runtime = { ucs2length: (s: string) => [...s].length, equal: Object.is, formats: {} };
  const expression = messageValidator('c', 'Second', schemas(), 'spec.yaml');
  const validate = new Function('ajvRuntime', `return ${expression};`)(runtime) as ((data: unknown) => boolean) & {
    errors?: { instancePath: string; keyword: string }[];
  };
  expect(validate({ action: 'second', items: [{ code: 'OK' }] })).toBe(true);
  expect(validate({ action: 'second', items: [{ code: 'no' }, {}] })).toBe(false);
  expect(validate.errors!.map((e) => [e.instancePath, e.keyword])).toEqual([
    ['/items/0/code', 'pattern'],
    ['/items/1', 'required'],
  ]);
});
