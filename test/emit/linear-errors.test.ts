/**
 * emit/validators.ts rewrites how ajv's standalone code gathers the errors of a schema it calls as
 * a function (`vErrors.concat(f.errors)`, a new array per call, quadratic over an array of failing
 * items) into appending in place. The rewritten code must report the very same errors, in the same
 * order, as ajv's own: both run here on items that fail a called schema, nested and mixed with others.
 */
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { expect, it } from 'vitest';
import { linearErrors } from '../../src/emit/validators.js';

const require = createRequire(import.meta.url);

function compiled(code: string): (data: unknown) => { valid: boolean; errors: unknown } {
  const module = { exports: {} as Record<string, ((data: unknown) => boolean) & { errors?: unknown }> };
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  const validate = module.exports['validate']!;
  return (data) => ({ valid: validate(data), errors: validate.errors });
}

it('reports the same errors, in the same order, as the code ajv wrote', () => {
  const ajv = new Ajv.default({ allErrors: true, code: { source: true } });
  ajv.addSchema({ $id: 'Leaf', type: 'object', properties: { n: { type: 'integer', minimum: 3 } }, required: ['n'] });
  // A $ref inside: ajv compiles Node as a function of its own and calls it for each item.
  ajv.addSchema({
    $id: 'Node',
    type: 'object',
    properties: { leaf: { $ref: 'Leaf' }, kids: { type: 'array', items: { $ref: 'Node' } }, tag: { type: 'string' } },
    required: ['tag'],
  });
  ajv.addSchema({ $id: 'Root', type: 'object', properties: { nodes: { type: 'array', items: { $ref: 'Node' } }, x: { type: 'string' } } });
  const code = standaloneCode.default(ajv, { validate: 'Root' });
  expect(code).toContain('.concat(');
  const rewritten = linearErrors(code);
  expect(rewritten).not.toContain('.concat(');
  const [theirs, ours] = [compiled(code), compiled(rewritten)];
  const node = (i: number): unknown =>
    i % 3 === 0 ? { tag: 5, leaf: { n: 1 }, kids: [{ kids: [{ tag: 't', leaf: {} }] }] } : i % 3 === 1 ? { tag: 't' } : { leaf: { n: 'x' } };
  for (const data of [{ nodes: Array.from({ length: 300 }, (_, i) => node(i)), x: 1 }, { nodes: [] }, { nodes: [{ tag: 't' }] }, 5]) {
    const [a, b] = [theirs(data), ours(data)];
    expect(b).toEqual(a);
  }
  expect((theirs({ nodes: Array.from({ length: 300 }, (_, i) => node(i)) }).errors as unknown[]).length).toBeGreaterThan(500);
});
