/** Templates precompiled by `npm run build` (dist/templates.cjs), and never stale (issue 26: cold generation). */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { load } from '../../src/emit/templates.js';
import { TEMPLATE_OPTIONS } from '../../src/emit/template-options.js';

const dir = new URL('../../templates/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.hbs'))
  .map((f) => f.slice(0, -4));
const file = createRequire(import.meta.url)('../../dist/templates.cjs') as {
  made: { handlebars: string; options: string };
  templates: Record<string, { source: string; spec: object }>;
};
const built = file.templates;

describe('precompiled templates', () => {
  it('say what made them: served only by the handlebars installed now, with the options of this code', () => {
    expect(file.made).toEqual({ handlebars: Handlebars.VERSION, options: JSON.stringify(TEMPLATE_OPTIONS) });
  });

  it('cover every template, each built from the source in templates/', () => {
    expect(Object.keys(built).sort()).toEqual([...names].sort());
    for (const name of names) expect(built[name]!.source, name).toBe(readFileSync(new URL(`${name}.hbs`, dir), 'utf8'));
  });

  it('render what the compiler makes of the same source, strict and unescaped', () => {
    const source = readFileSync(new URL('router.ts.hbs', dir), 'utf8');
    const fromBuild = load('router.ts', source);
    const compiled = Handlebars.create().compile(source, { ...TEMPLATE_OPTIONS });
    // Strict: a missing field throws in both; no HTML escaping in either.
    expect(() => fromBuild({})).toThrow(/not defined/);
    expect(() => compiled({})).toThrow(/not defined/);
    const tiny = '<{{a}}> & {{#each b}}{{this}}{{/each}}';
    expect(load('tiny-not-built', tiny)({ a: '"x"', b: ['<', '>'] })).toBe('<"x"> & <>');
  });

  it('a template edited since the build is compiled from its new source, not served stale', () => {
    // 'consumer-method' is precompiled; its name with another source must not give the built one.
    expect(built['consumer-method']).toBeDefined();
    expect(load('consumer-method', 'EDITED {{marker}}')({ marker: 'here' })).toBe('EDITED here');
  });
});
