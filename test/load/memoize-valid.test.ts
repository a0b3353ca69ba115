/**
 * scripts/memoize-valid.mjs: the precompiled AsyncAPI validators remember, for one call, which
 * objects each of their functions found valid. Held here to ajv's own validator, compiled with the
 * options the build uses, on documents in which one object is used in several places: the same
 * verdicts and the same errors, every error at each of its places, nothing remembered from one call
 * to the next; and the build refuses code whose verdicts depend on more than the object.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script (plain .mjs), typed by its use here
import { memoizeValid } from '../../scripts/memoize-valid.mjs';
// @ts-expect-error: the same
import { fromSpectral, spectralAjv } from '../../scripts/spectral-ajv.mjs';

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
const standaloneCode = fromSpectral('ajv/dist/standalone').default;

const SCHEMA = {
  $id: 'http://example.com/doc.json',
  type: 'object',
  properties: { a: { $ref: '#/definitions/item' }, b: { $ref: '#/definitions/item' }, list: { type: 'array', items: { $ref: '#/definitions/item' } } },
  definitions: {
    item: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, child: { $ref: '#/definitions/item' } }, additionalProperties: false },
  },
};

/** ajv's validator, and the same code memoized, loaded as the build's .cjs files are. */
function both(options: Record<string, unknown> = {}, schema: object = SCHEMA): { plain: Validate; memo: Validate } {
  const ajv = spectralAjv(options); // as the build sets it up
  const code = standaloneCode(ajv, ajv.compile(schema)) as string;
  const load = (text: string): Validate => {
    const module = { exports: {} as Validate };
    new Function('module', 'exports', 'require', text)(module, module.exports, createRequire(fromSpectral.resolve('ajv')));
    return module.exports;
  };
  return { plain: load(code), memo: load(memoizeValid(code)) };
}

function agree(plain: Validate, memo: Validate, data: unknown): boolean {
  const verdict = plain(data);
  expect(memo(data)).toBe(verdict);
  expect(memo.errors ?? null).toEqual(plain.errors ?? null);
  return verdict;
}

describe('memoize-valid', () => {
  it("gives ajv's verdicts and errors where one object is used in several places, valid or not", () => {
    const { plain, memo } = both();
    const good = { name: 'x', child: { name: 'y' } };
    expect(agree(plain, memo, { a: good, b: good, list: [good, good, { name: 'z', child: good }] })).toBe(true);
    const bad = { child: { name: 1 }, extra: true };
    expect(agree(plain, memo, { a: bad, b: good, list: [good, bad, bad] })).toBe(false);
    // every place of the shared bad object is reported
    expect((memo.errors as { instancePath: string }[]).map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/a', '/a/child/name', '/list/1', '/list/2/child/name']),
    );
    expect(agree(plain, memo, { a: good, b: { name: 2 }, list: 'no' })).toBe(false);
  });

  it('checks an object used in five places once per function', () => {
    const { plain, memo } = both();
    let reads = 0;
    const counted = () =>
      Object.defineProperty({}, 'name', {
        enumerable: true,
        get: () => {
          reads++;
          return 'x';
        },
      });
    const readsOf = (validate: Validate, data: (item: object) => unknown) => {
      const item = counted();
      reads = 0;
      expect(validate(data(item))).toBe(true);
      return reads;
    };
    const once = (item: object) => ({ a: item });
    const five = (item: object) => ({ a: item, b: item, list: [item, item, item] });
    expect(readsOf(plain, five)).toBe(5 * readsOf(plain, once));
    // `a` and `b` share one function, the list's items another: each reads the object's fields once
    expect(readsOf(memo, five)).toBe(readsOf(memo, once));
  });

  it('remembers nothing from one call to the next: an object changed since is checked again', () => {
    const { plain, memo } = both();
    const item: Record<string, unknown> = { name: 'x' };
    expect(agree(plain, memo, { a: item, b: item })).toBe(true);
    item['name'] = 3;
    expect(agree(plain, memo, { a: item, b: item })).toBe(false);
    item['name'] = 'x';
    expect(agree(plain, memo, { a: item, list: [item] })).toBe(true);
  });

  it('refuses code whose verdicts read more than the object ($data reads the root)', () => {
    const schema = { $id: 'http://example.com/d.json', type: 'object', properties: { max: { type: 'number' }, v: { maximum: { $data: '/max' } } } };
    expect(() => both({ $data: true }, schema)).toThrow(/reads rootData or parentData/);
  });

  it('refuses code that writes to the data (defaults filled in)', () => {
    const schema = { $id: 'http://example.com/w.json', type: 'object', properties: { n: { type: 'number', default: 1 } } };
    expect(() => both({ useDefaults: true }, schema)).toThrow(/writes to the data/);
  });

  it('refuses code of another shape', () => {
    expect(() => memoizeValid('"use strict";module.exports = validate1;')).toThrow(/not in the shape/);
  });
});
