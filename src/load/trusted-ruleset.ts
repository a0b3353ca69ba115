/**
 * Spectral checks every ruleset it is given against its own ruleset schema, and compiles that schema
 * with ajv to do so: about 100 ms, a tenth of a cold run. The ruleset chanx-gen gives it is the same
 * for every document, @asyncapi/parser's own with the functions of its two structure rules swapped
 * for precompiled ones (precompiled-structure.ts), so the check can only ever pass:
 * test/load/trusted-ruleset.test.ts builds that very ruleset with Spectral's check on. Our parser is
 * therefore built with the check skipped, for that one constructor call and only when the precompiled
 * validators stand in (the same parser and Spectral versions as at build time); the unmodified parser
 * is always built with it.
 */
import { createRequire } from 'node:module';

type Validator = ((data: unknown) => boolean) & { errors: null };
interface ValidationModule {
  createValidator: (format: string) => Validator;
}

function validationModule(): ValidationModule | undefined {
  try {
    const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
    const fromCore = createRequire(fromParser.resolve('@stoplight/spectral-core'));
    const mod = fromCore('./ruleset/validation/ajv.js') as Partial<ValidationModule>;
    return typeof mod.createValidator === 'function' ? (mod as ValidationModule) : undefined;
  } catch {
    return undefined; // laid out otherwise: the check runs
  }
}

/** Runs `build` (which constructs a Parser) with Spectral's ruleset check passing without compiling anything. */
export function withTrustedRuleset<T>(build: () => T): T {
  const mod = validationModule();
  if (mod === undefined) return build();
  const original = mod.createValidator;
  mod.createValidator = () => Object.assign(() => true, { errors: null });
  try {
    return build();
  } finally {
    mod.createValidator = original;
  }
}
