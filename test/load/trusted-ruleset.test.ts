/**
 * chanx-gen builds its parser with Spectral's ruleset check skipped (src/load/trusted-ruleset.ts):
 * that is sound only while the ruleset it builds with passes the check, which is what this holds.
 */
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { parserOptions } from '../../src/load/load-document.js';
import { precompiledUsable } from '../../src/load/precompiled-structure.js';
import { withTrustedRuleset } from '../../src/load/trusted-ruleset.js';

const broken = {
  // biome-ignore lint/suspicious/noThenProperty: a Spectral rule has a `then`
  ruleset: { recommended: false, rules: { 'asyncapi-document-resolved': { given: '$', severity: 'loud', then: { function: 'not a function' } } } },
};

describe("the parser's ruleset, checked by Spectral", () => {
  it('passes the check with and without the style rules, as chanx-gen builds it', () => {
    expect(precompiledUsable()).toBe(true); // else the structure rules would not be ours, and nothing here would be tested
    for (const style of [false, true]) {
      const options = parserOptions(style, false);
      const names = Object.keys(options.ruleset.rules ?? {}).sort();
      expect(names).toEqual(
        style
          ? ['asyncapi-document-resolved', 'asyncapi-document-unresolved']
          : ['asyncapi-document-resolved', 'asyncapi-document-unresolved', 'asyncapi-latest-version'],
      );
      expect(() => new Parser(options as never)).not.toThrow();
    }
  });

  it('is skipped only inside withTrustedRuleset, and comes back after it, even after a throw', () => {
    expect(() => new Parser(broken as never)).toThrow();
    expect(() => withTrustedRuleset(() => new Parser(broken as never))).not.toThrow();
    expect(() => new Parser(broken as never)).toThrow();
    expect(() =>
      withTrustedRuleset(() => {
        throw new Error('building failed');
      }),
    ).toThrow('building failed');
    expect(() => new Parser(broken as never)).toThrow();
  });
});

describe('style-only rules', () => {
  const old = 'asyncapi: 2.6.0\ninfo: { title: t, version: "1" }\nchannels: {}\n';
  it.each([
    [false, []],
    [true, ['asyncapi-latest-version']],
  ])('with style warnings %s, the latest-version rule says %j', async (style, expected) => {
    const parser = new Parser(parserOptions(style, false) as never);
    const { diagnostics } = await parser.parse(old);
    expect(diagnostics.map((d) => String(d.code)).filter((c) => c === 'asyncapi-latest-version')).toEqual(expected);
  });
});
