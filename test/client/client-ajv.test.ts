/**
 * chanx-gen/client-ajv: the helpers ajv's standalone validators call (client-validators.ts). Each
 * must be the working function, whether the importer hands over a CommonJS module wrapped once (as
 * Node does: `default` is the exports object, flagged `__esModule`) or unwrapped (as bundlers do).
 * The module is loaded inside each test, so what it does on load is what the test sees.
 */
import { afterEach, expect, it, vi } from 'vitest';

const modules = [
  'ajv/dist/runtime/equal.js',
  'ajv/dist/runtime/ucs2length.js',
  'ajv/dist/runtime/uri.js',
  'ajv/dist/runtime/validation_error.js',
  'ajv-formats/dist/formats.js',
];

afterEach(() => {
  for (const m of modules) vi.doUnmock(m);
  vi.resetModules();
});

async function load(): Promise<Record<string, any>> {
  vi.resetModules();
  return (await import('chanx-gen/client-ajv')).ajvRuntime;
}

it("in Node, gives ajv's runtime helpers and full formats, working", async () => {
  const rt = await load();
  expect(rt['equal']({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
  expect(rt['equal']({ a: [1] }, { a: [2] })).toBe(false);
  // maxLength counts code points: one emoji is one character, not two UTF-16 units.
  expect(rt['ucs2length']('a😀')).toBe(2);
  expect(rt['uri'].parse('wss://h.test:8443/p?q=1').port).toBe(8443);
  const error = new rt['validation_error']([{ instancePath: '/x' }]);
  expect(error).toBeInstanceOf(Error);
  expect(error.errors).toEqual([{ instancePath: '/x' }]);
  expect(rt['formats']['email'].test('a@b.test')).toBe(true);
  expect(rt['formats']['date'].validate('2024-02-30')).toBe(false);
});

/** Helpers that stand for ajv's, and each module as `shape` hands it over. */
function mockModules(shape: (exportsDefault: unknown) => Record<string, unknown>) {
  const helpers = {
    equal: (a: unknown, b: unknown) => a === b,
    ucs2length: (s: string) => [...s].length,
    uri: { parse: () => ({}) },
    validation_error: class ValidationError extends Error {},
  };
  const fullFormats = { email: /@/ };
  vi.doMock('ajv/dist/runtime/equal.js', () => shape(helpers.equal));
  vi.doMock('ajv/dist/runtime/ucs2length.js', () => shape(helpers.ucs2length));
  vi.doMock('ajv/dist/runtime/uri.js', () => shape(helpers.uri));
  vi.doMock('ajv/dist/runtime/validation_error.js', () => shape(helpers.validation_error));
  // ajv-formats has no `default`: its named exports are found either way.
  vi.doMock('ajv-formats/dist/formats.js', () => ({ fullFormats, fastFormats: {} }));
  return { ...helpers, formats: fullFormats };
}

it('under a bundler, which hands over exports.default itself, gives the helpers', async () => {
  const expected = mockModules((d) => ({ default: d }));
  const rt = await load();
  for (const [name, helper] of Object.entries(expected)) expect(rt[name], name).toBe(helper);
});

it("under Node's own loader, whose `default` is the whole exports object flagged __esModule, gives the helpers", async () => {
  const expected = mockModules((d) => ({ default: Object.defineProperty({ default: d }, '__esModule', { value: true }) }));
  const rt = await load();
  for (const [name, helper] of Object.entries(expected)) expect(rt[name], name).toBe(helper);
});
