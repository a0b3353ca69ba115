/**
 * Spectral's `createRulesetFunction` compiles, with ajv, the input and options schemas of every
 * ruleset function as its module loads: Spectral's own functions and the parser's, those of every
 * AsyncAPI version, about a tenth of a first run's CPU, though a document is checked by the rules
 * of its own version only. Before the parser is loaded, `createRulesetFunction` is wrapped so that
 * each function is made (and its schemas compiled, by Spectral itself) the first time it is called
 * or looked into: the same function, made later, and never for the rules a document does not run.
 * test/load/lazy-specs.test.ts holds the parser's verdicts to those of a process without this.
 */
import { createRequire } from 'node:module';

type RulesetFunction = ((...args: unknown[]) => unknown) & { validator?: unknown; schemas?: unknown };
type Create = (definition: unknown, fn: (...args: unknown[]) => unknown) => RulesetFunction;

let installed = false;
let wrapped = false;

/** Whether the wrapping took (for the parity test: a layout it does not know leaves it off). */
export function rulesetFunctionsAreLazy(): boolean {
  return wrapped;
}

/** Idempotent; does nothing when Spectral is laid out otherwise, or its functions are made already. */
export function lazyRulesetFunctions(): void {
  if (installed) return;
  installed = true;
  try {
    const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
    if (fromParser.cache[fromParser.resolve('@asyncapi/parser')] !== undefined) return; // the parser made them already
    const fromCore = createRequire(fromParser.resolve('@stoplight/spectral-core'));
    const mod = fromCore('./ruleset/function.js') as { createRulesetFunction?: Create };
    const create = mod.createRulesetFunction;
    if (typeof create !== 'function') return;
    mod.createRulesetFunction = (definition, fn) => {
      let made: RulesetFunction | undefined;
      const real = (): RulesetFunction => (made ??= create(definition, fn));
      const lazy = function (this: unknown, ...args: unknown[]): unknown {
        return real().apply(this, args);
      };
      Reflect.defineProperty(lazy, 'name', { value: fn.name });
      Reflect.defineProperty(lazy, 'validator', { get: () => real().validator });
      Reflect.defineProperty(lazy, 'schemas', { get: () => real().schemas });
      return lazy;
    };
    wrapped = true;
  } catch {
    // another layout: the functions are made as the parser loads, as usual
  }
}
