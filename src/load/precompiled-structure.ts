/**
 * @asyncapi/parser's two document-structure rules (`asyncapi-document-resolved`,
 * `asyncapi-document-unresolved`), served by the validators `npm run build` precompiles
 * (scripts/build-asyncapi-validators.mjs) instead of compiling the 1 MB AsyncAPI meta-schema with ajv
 * on every parse. Everything else about the rules is the parser's own: their definitions (given,
 * severity, formats, resolved) are copied from its core ruleset, the schema is the one its
 * `getSchema` prepares, and the results go through the same steps as in its `documentStructure`
 * and Spectral's `schema` function (ajv errors thinned by `prepareResults`, worded by
 * better-ajv-errors, `$ref` errors filtered), so a document gets the same diagnostics either way.
 * The differential test (test/load/differential.test.ts) holds this to the unmodified parser.
 *
 * When dist/asyncapi-validators is missing or was built from other versions of the parser, its
 * meta-schemas or ajv (stamp.json), the rules are left alone: slower, never different.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const VALIDATORS = fileURLToPath(new URL('../../dist/asyncapi-validators/', import.meta.url));

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
export type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
type Format = (document: unknown) => boolean;
interface RuleContext {
  path: (string | number)[];
  document?: { formats?: Set<Format> | null };
}
interface Result {
  message: string;
  path: (string | number)[];
}
type RuleDefinition = { then: { function: unknown; functionOptions?: { resolved?: boolean } } } & Record<string, unknown>;

export const STRUCTURE_RULES = ['asyncapi-document-resolved', 'asyncapi-document-unresolved'] as const;

interface ParserInternals {
  coreRules: Record<string, RuleDefinition>;
  coreFormats: Format[];
  getSchema: (formats: Set<Format>, resolved: boolean) => Record<string, unknown> | undefined;
  formats: Map<string, Format>;
  betterAjvErrors: (
    schema: unknown,
    errors: AjvError[],
    options: { propertyPath: (string | number)[]; targetValue: unknown },
  ) => { suggestion?: string; error: string; path: string }[];
}

let internals: ParserInternals | undefined;

/** What tslib's __importDefault gives Spectral: the module itself unless it is an ES module. */
function interop<T>(mod: unknown): T {
  return (mod as { __esModule?: boolean }).__esModule === true ? (mod as { default: T }).default : (mod as T);
}

function parserInternals(): ParserInternals {
  if (internals !== undefined) return internals;
  const fromParser = createRequire(require.resolve('@asyncapi/parser'));
  const fromSpectral = createRequire(fromParser.resolve('@stoplight/spectral-functions'));
  const { coreRuleset } = fromParser('./ruleset/ruleset.js') as { coreRuleset: { rules: Record<string, RuleDefinition>; formats: Format[] } };
  internals = {
    coreRules: coreRuleset.rules,
    coreFormats: coreRuleset.formats,
    getSchema: (fromParser('./ruleset/functions/documentStructure.js') as Pick<ParserInternals, 'getSchema'>).getSchema,
    formats: (fromParser('./ruleset/formats.js') as { AsyncAPIFormats: Map<string, Format> }).AsyncAPIFormats,
    betterAjvErrors: interop(fromSpectral('@stoplight/better-ajv-errors')),
  };
  return internals;
}

/** The versions dist/asyncapi-validators must have been built from to stand in for the parser's compilation. */
function stampMatches(): boolean {
  const stampFile = path.join(VALIDATORS, 'stamp.json');
  if (!existsSync(stampFile)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Record<string, string>;
    const fromParser = createRequire(require.resolve('@asyncapi/parser'));
    const fromSpectral = createRequire(fromParser.resolve('@stoplight/spectral-functions'));
    const version = (req: NodeJS.Require, name: string) => (req(`${name}/package.json`) as { version: string }).version;
    return (
      stamp['parser'] === version(require, '@asyncapi/parser') &&
      stamp['specs'] === version(fromParser, '@asyncapi/specs') &&
      stamp['ajv'] === version(fromSpectral, 'ajv') &&
      stamp['spectralFunctions'] === version(fromParser, '@stoplight/spectral-functions')
    );
  } catch {
    return false;
  }
}

let usable: boolean | undefined;
/** Whether the precompiled validators may stand in for the parser's own compilation. */
export function precompiledUsable(): boolean {
  usable ??= stampMatches();
  return usable;
}

const validators = new Map<string, Validate>();

/** Puts `validate` in place of a precompiled validator (undefined: back to the built one). For tests of the safety net. */
export function replaceValidatorForTests(version: string, resolved: boolean, validate: Validate | undefined): void {
  const key = `${version}-${resolved ? 'resolved' : 'unresolved'}`;
  if (validate === undefined) validators.delete(key);
  else validators.set(key, validate);
}
function validatorFor(version: string, resolved: boolean): Validate {
  const key = `${version}-${resolved ? 'resolved' : 'unresolved'}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = require(path.join(VALIDATORS, `${key}.cjs`)) as Validate;
    validators.set(key, validate);
  }
  return validate;
}

/**
 * The parser's rule definitions for the two structure rules, with the function replaced by one that
 * runs the precompiled validator. Empty when the validators cannot stand in (see stampMatches).
 */
export function precompiledStructureRules(): Record<string, RuleDefinition> {
  if (!precompiledUsable()) return {};
  const { coreRules, coreFormats } = parserInternals();
  return Object.fromEntries(
    STRUCTURE_RULES.map((name) => {
      const rule = coreRules[name]!;
      // biome-ignore lint/suspicious/noThenProperty: a Spectral rule's `then` is its action, not a promise's.
      return [name, { formats: coreFormats, ...rule, then: { ...rule.then, function: documentStructure } }];
    }),
  );
}

/** The parser's documentStructure (ruleset/functions/documentStructure.js) over a precompiled validator. */
function documentStructure(targetVal: unknown, options: { resolved: boolean }, context: RuleContext): Result[] | undefined {
  const formats = context.document?.formats;
  if (!formats) return undefined;
  const { getSchema, formats: asyncapiFormats } = parserInternals();
  const schema = getSchema(formats, options.resolved);
  if (!schema) return undefined;
  const version = [...asyncapiFormats].find(([, format]) => formats.has(format))![0];
  const errors = schemaFunction(targetVal, schema, validatorFor(version, options.resolved), options.resolved ? prepareResults : undefined, context.path);
  return filterRefErrors(errors, options.resolved);
}

/** Spectral's `schema` function (spectral-functions/dist/schema) with `allErrors`, given the compiled validator. */
function schemaFunction(
  targetVal: unknown,
  schema: unknown,
  validate: Validate,
  prepare: ((errors: AjvError[]) => void) | undefined,
  at: (string | number)[],
): Result[] {
  if (targetVal === undefined) return [{ path: at, message: '#{{print("property")}}must exist' }];
  const results: Result[] = [];
  try {
    if (!validate(targetVal) && Array.isArray(validate.errors)) {
      const errors = validate.errors;
      prepare?.(errors);
      const unmatched = findUnmatchedCombinators(errors);
      results.push(
        ...parserInternals()
          .betterAjvErrors(schema, errors, { propertyPath: at, targetValue: targetVal })
          .map(({ suggestion, error, path: errorPath }) => ({
            message: describeCombinator(describeArrayItem(suggestion !== undefined ? `${error}. ${suggestion}` : error, errorPath), unmatched.get(errorPath)),
            path: [...at, ...(errorPath !== '' ? errorPath.replace(/^\//, '').split('/') : [])],
          })),
      );
    }
  } catch (ex) {
    if (!(ex instanceof Error)) throw new Error('Unexpected error');
    results.push({ message: ex.message, path: at });
  }
  return results;
}

function describeArrayItem(message: string, errorPath: string): string {
  const index = errorPath.split('/').pop();
  if (index === undefined || !/^\d+$/.test(index)) return message;
  const typePrefix = `"${index}" property type`;
  if (message.startsWith(typePrefix)) return `Item at index ${index}${message.slice(typePrefix.length)}`;
  const prefix = `"${index}" property`;
  return message.startsWith(prefix) ? `Item at index ${index}${message.slice(prefix.length)}` : message;
}

function findUnmatchedCombinators(errors: AjvError[]): Map<string, string> {
  const unmatched = new Map<string, string>();
  for (const { keyword, instancePath, params } of errors) {
    if ((keyword === 'oneOf' || keyword === 'anyOf') && !Array.isArray(params['passingSchemas'])) unmatched.set(instancePath, keyword);
  }
  return unmatched;
}

function describeCombinator(message: string, keyword: string | undefined): string {
  return keyword !== undefined && message.endsWith(` in ${keyword}`)
    ? `${message}. None of the schemas matched, see the other errors reported for this value`
    : message;
}

/** The parser's prepareResults: the first ajv error at a place says most. */
function prepareResults(errors: AjvError[]): void {
  for (let i = 0; i < errors.length; i++) {
    const error = errors[i]!;
    if (error.keyword === 'additionalProperties') error.instancePath = `${error.instancePath}/${String(error.params['additionalProperty'])}`;
    else if (error.keyword === 'required' && error.params['missingProperty'] === '$ref') {
      errors.splice(i, 1);
      i--;
    }
  }
  const ignorable = (e: AjvError) => e.keyword === 'oneOf' || (e.keyword === 'required' && e.params['missingProperty'] === '$ref');
  for (let i = 0; i < errors.length; i++) {
    const error = errors[i]!;
    if (i + 1 < errors.length && errors[i + 1]!.instancePath === error.instancePath) {
      errors.splice(i + 1, 1);
      i--;
    } else if (i > 0 && ignorable(error) && errors[i - 1]!.instancePath.startsWith(error.instancePath)) {
      errors.splice(i, 1);
      i--;
    }
  }
}

const REF_ERROR = 'Property "$ref" is not expected to be here';
function filterRefErrors(errors: Result[], resolved: boolean): Result[] {
  if (resolved) return errors.filter((e) => e.message !== REF_ERROR);
  return errors.filter((e) => e.message === REF_ERROR).map((e) => ({ ...e, message: 'Referencing in this place is not allowed' }));
}
