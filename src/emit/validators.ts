/**
 * validators.ts: ajv standalone code, generated now so that the server never compiles a schema.
 * It is emitted as TypeScript (under `// @ts-nocheck`, with typed exports) so that a user's ordinary
 * tsc build emits it beside the rest; a .js file would be left out of a build without `allowJs`.
 */
import { createRequire } from 'node:module';
import type { ChannelModel, JsonSchema } from '../model/types.js';
import { reachableSchemas } from '../model/schema-registry.js';
import { InputError } from '../load/diagnostics.js';
import { pydanticMultipleOf } from './pydantic-multiple-of.js';

const require = createRequire(import.meta.url);

/** Annotation keywords AsyncAPI and OpenAPI documents use that JSON Schema validation ignores. */
const ANNOTATIONS = ['discriminator', 'externalDocs', 'example', 'xml', 'x-discriminator-value'];

/**
 * `warn` receives what ajv's strict mode finds questionable in the document (unknown keywords and
 * formats, loose tuples, ...): JSON Schema says to ignore those, so they are warnings, not errors.
 */
export function validatorsSource(
  channel: ChannelModel,
  schemas: Record<string, JsonSchema>,
  specPath: string,
  warn: (message: string) => void,
  validatorType = 'Validator',
): string {
  return standaloneValidators(channel.key, channel.incoming, schemas, specPath, warn, 'chanx-gen/runtime', (type) => `${validatorType}<${type}>`, true);
}

/** Validators named `validatorName` for `messages`; the ajv helpers they need come from `runtimeModule`. */
export function standaloneValidators(
  channelKey: string,
  messages: readonly { typeName: string; validatorName: string }[],
  schemas: Record<string, JsonSchema>,
  specPath: string,
  warn: (message: string) => void,
  runtimeModule: string,
  /** The declared type of each exported validator, given its message type. */
  typeOf: (messageType: string) => string,
  /**
   * The server (and the playground, which checks a frame as the server does) takes the envelope
   * (version, topic, ref, seq) off a frame before validating it, so a message that forbids extra
   * keys is held to that, as pydantic's extra='forbid' is. Frames the client checks still carry
   * the envelope: their top level stays open.
   */
  envelopeTakenOff = false,
): string {
  if (messages.length === 0) return 'export {};\n';
  const warnings = new Set<string>();
  let usesRuntime = false;
  const lines = messages.map((m) => {
    const kept = compiled(channelKey, m.typeName, schemas, specPath, envelopeTakenOff);
    for (const w of kept.warnings) warnings.add(w);
    usesRuntime ||= kept.usesRuntime;
    return `export const ${m.validatorName}: ${typeOf(m.typeName)} = ${kept.expression};`;
  });
  for (const message of warnings) warn(message);
  return `${usesRuntime ? `import { ajvRuntime } from '${runtimeModule}';\n` : ''}${lines.join('\n')}\n`;
}

/**
 * The validator of one message as a JavaScript expression (the server's: the envelope taken off),
 * with ajv's helpers taken from a variable `ajvRuntime` in scope: for the playground page, which
 * holds each message's validator once however many channels take it.
 */
export function messageValidator(channelKey: string, typeName: string, schemas: Record<string, JsonSchema>, specPath: string): string {
  return compiled(channelKey, typeName, schemas, specPath, true).expression;
}

interface Compiled {
  /**
   * ajv's standalone code for the message's schema and those it refers to, in a scope of its own
   * (ajv names its functions and constants from 0 in each), as an expression whose value is the
   * message's validator; its helpers are taken from `ajvRuntime`.
   */
  expression: string;
  usesRuntime: boolean;
  warnings: string[];
}

/**
 * ajv's standalone code for one message, kept for the run. It depends on the message's schema and
 * those it refers to only, so it is compiled once per document however many channels take the
 * message (OKX: 145 messages in 65 sets, 75 of them distinct), for the server, the playground (the
 * page takes the envelope off as the server does) and the client alike; compiling is most of a
 * large document's generation time.
 */
const compiledMessages = new WeakMap<object, Map<string, Compiled>>();

/** The name ajv is asked to export the message's validator under (taken off again). */
const EXPORTED = 'chanxGenValidator';

function compiled(channelKey: string, typeName: string, schemas: Record<string, JsonSchema>, specPath: string, envelopeTakenOff: boolean): Compiled {
  const key = `${envelopeTakenOff ? 1 : 0}${typeName}`;
  const kept = compiledMessages.get(schemas)?.get(key);
  if (kept !== undefined) return kept;

  const standaloneCode = require('ajv/dist/standalone').default as typeof import('ajv/dist/standalone/index.js').default;
  const warnings: string[] = [];
  const ajv = freshAjv(warnings);
  const added: string[] = [];
  try {
    const names = reachableSchemas([typeName], schemas);
    for (const format of formatsUsed(names.map((n) => schemas[n]))) {
      if (ajv.formats[format] !== undefined) continue;
      ajv.addFormat(format, true);
      added.push(format);
      warnings.push(`format "${format}" is not one ajv-formats knows; values are not checked against it`);
    }
    for (const name of names) {
      // Only the message's own schema is a frame's top level; a schema it refers to is held as written.
      const schema = forAjv(schemas[name] ?? true, name === typeName && !envelopeTakenOff);
      ajv.addSchema(typeof schema === 'boolean' ? { $id: name, ...(schema ? {} : { not: {} }) } : { ...schema, $id: name }, name);
    }
    const code = standaloneCode(ajv, { [EXPORTED]: typeName });
    const exported = new RegExp(`^(?:"use strict";)?export const ${EXPORTED} = (validate\\d+);`).exec(code);
    if (exported === null) throw new Error('ajv wrote its standalone code in a shape chanx-gen does not know');
    const { code: body, usesRuntime } = fromRuntime(linearErrors(code.slice(exported[0].length)));
    const result: Compiled = { expression: `(() => {${body}return ${exported[1]!};})()`, usesRuntime, warnings };
    const forDocument = compiledMessages.get(schemas) ?? new Map<string, Compiled>();
    compiledMessages.set(schemas, forDocument);
    forDocument.set(key, result);
    return result;
  } catch (err) {
    reusable = undefined; // left as it was mid-compile: the next message gets a new one
    throw cannotCompile(channelKey, specPath, err);
  } finally {
    for (const format of added) delete ajv.formats[format];
  }
}

/**
 * An ajv in the state a new one with chanx-gen's options is in, with `warnings` for what its strict
 * mode says. Making one (its vocabularies, ajv-formats, the meta-schema) cost ~0.4 ms a message;
 * instead the last one is put back as it was made: its schemas, refs (among them the alias
 * `http://json-schema.org/schema` of the meta-schema) and cache as they were then, its scope (where
 * the names of functions and constants come from, validate0...) made anew; `compiled` takes off the
 * formats it added. Output is byte for byte what a new one gives (the goldens, the corpus, and
 * test/emit/validators.test.ts). One that compiled a meta-schema (a schema that refers to one, whose
 * compiled function would be kept) is not reused.
 */
function freshAjv(warnings: string[]): AjvInstance {
  const ready = reusable;
  const compiledMeta = (env: unknown): boolean => typeof env === 'object' && env !== null && 'validate' in env && env.validate !== undefined;
  if (ready !== undefined && !Object.values(ready.made.schemas).some(compiledMeta) && !Object.values(ready.made.refs).some(compiledMeta)) {
    const { ajv, made } = ready;
    restore(ajv.schemas, made.schemas);
    restore(ajv.refs, made.refs);
    const cache = (ajv as unknown as { _cache: Map<unknown, unknown> })._cache;
    cache.clear();
    for (const [key, value] of made.cache) cache.set(key, value);
    const { ValueScope } = require('ajv/dist/compile/codegen') as typeof import('ajv/dist/compile/codegen/index.js');
    const { es5, lines } = ajv.opts.code;
    (ajv as { scope: unknown }).scope = new ValueScope({ scope: {}, prefixes: (ajv.scope as unknown as { _prefixes: Set<string> })._prefixes, es5, lines });
    ready.sink.warnings = warnings;
    return ajv;
  }
  // ajv is loaded only when code is generated (not for --check on an unchanged tree later on).
  const Ajv = require('ajv').default as typeof import('ajv').default;
  const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
  const sink = { warnings };
  const warn = (...args: unknown[]) => sink.warnings.push(args.map(String).join(' '));
  const ajv = new Ajv({
    // ajv makes a function of each schema's code (new Function) and keeps the code as it was before
    // `process` (validate.source), which is all standalone code uses: nothing here ever runs a
    // validator, so V8 is handed an empty function to make instead of parsing every validator
    // (~10% of compiling). Each is still a function of its own, as ajv tells validators apart by identity.
    code: { source: true, esm: true, process: () => 'return function () {}' },
    allErrors: true,
    strict: 'log',
    strictRequired: false,
    logger: { log: () => undefined, warn, error: warn },
    useDefaults: true,
    // The document check already held every schema to JSON Schema; checking each again against the
    // meta-schema would compile the meta-schema once per message (~7 ms each).
    validateSchema: false,
    discriminator: false,
    allowUnionTypes: true,
  });
  pydanticMultipleOf(ajv);
  addFormats(ajv);
  ajv.addVocabulary(ANNOTATIONS);
  const made = { schemas: { ...ajv.schemas }, refs: { ...ajv.refs }, cache: new Map((ajv as unknown as { _cache: Map<unknown, unknown> })._cache) };
  reusable = { ajv, sink, made };
  return ajv;
}

/** Makes `now` hold exactly what `then` held. */
function restore(now: Record<string, unknown>, then: Record<string, unknown>): void {
  for (const key of Object.keys(now)) if (!Object.hasOwn(then, key)) delete now[key];
  Object.assign(now, then);
}

type AjvInstance = import('ajv').default;
let reusable:
  | { ajv: AjvInstance; sink: { warnings: string[] }; made: { schemas: Record<string, unknown>; refs: Record<string, unknown>; cache: Map<unknown, unknown> } }
  | undefined;

function cannotCompile(channelKey: string, specPath: string, err: unknown): InputError {
  return new InputError([
    {
      severity: 'error',
      file: specPath,
      line: 0,
      column: 0,
      message: `channel '${channelKey}': a message schema cannot be compiled into a validator: ${(err as Error).message}`,
    },
  ]);
}

/** Keywords whose value is a map keyed by property or schema names (draft-07's, and 2019-09's dependents). */
const MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies', 'dependentSchemas', 'dependentRequired']);

/** The schema as ajv should see it: refs to named schemas by id, no vendor extensions, top level open. */
export function forAjv(schema: JsonSchema, isEnvelope: boolean): JsonSchema {
  const clean = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(clean);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) continue;
      // draft-04's `id` is an annotation here (model/schema-checks.ts warns); ajv would refuse it.
      if (key === 'id' && typeof value === 'string') continue;
      // OpenAPI's `nullable` ajv knows beside a `type` (admitting null); without one it refuses the schema,
      // and there it adds nothing: a schema without a type admits null already.
      if (key === 'nullable' && (node as Record<string, unknown>)['type'] === undefined) continue;
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) out[key] = value.slice('#/$defs/'.length);
      else if (MAPS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        // Maps by property (or schema) name: their keys are names, not keywords, and are kept as they
        // are (`x-request-id` is a property, not an extension).
        out[key] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, clean(v)]));
      } else out[key] = key === 'enum' || key === 'const' || key === 'default' || key === 'examples' ? value : clean(value);
    }
    return out;
  };
  const cleaned = clean(schema) as JsonSchema;
  // A frame that still carries its envelope keys (version, topic, ref, seq) is open at the top level.
  if (isEnvelope && typeof cleaned === 'object') delete cleaned['additionalProperties'];
  return cleaned;
}

/**
 * pydantic's `datetime` and `time` (what Chanx documents as `date-time` and `time`) take a value
 * without a zone offset, and Chanx sends `datetime.now().isoformat()` as it is; ajv-formats'
 * `date-time` and `time` require an offset, its `iso-date-time` and `iso-time` (same shape) do not.
 */
const PYDANTIC_FORMATS: Record<string, string> = { 'date-time': 'iso-date-time', time: 'iso-time' };

/**
 * ajv gathers the errors of a schema it calls as a function (one with a `$ref` inside) by
 * `vErrors = vErrors === null ? f.errors : vErrors.concat(f.errors)`: a new array each time, so an
 * array of 20,000 items that each fail such a schema copied the growing list 20,000 times (25 s of
 * one frame, the event loop held). Appended in place instead, the same errors in the same order.
 */
export function linearErrors(code: string): string {
  return code.replace(
    // `validate3.errors`, or `wrapper0.validate.errors` for a schema that refers to itself.
    /vErrors = vErrors === null \? ([\w$.]+\.errors) : vErrors\.concat\(\1\);/g,
    (_m, errs: string) => `if (vErrors === null) vErrors = ${errs}; else for (const err$ of ${errs}) vErrors.push(err$);`,
  );
}

/** ajv's ESM output still `require`s its runtime helpers; point them at `ajvRuntime` (chanx-gen/runtime's) instead. */
function fromRuntime(code: string): { code: string; usesRuntime: boolean } {
  let uses = false;
  const rewritten = code
    .replace(/require\("ajv\/dist\/runtime\/(\w+)"\)\.default/g, (_m, name: string) => {
      uses = true;
      return `ajvRuntime.${name}`;
    })
    .replace(/require\("ajv-formats\/dist\/formats"\)\.fullFormats(?:\["([\w-]+)"\]|\.([A-Za-z_$][\w$]*))?/g, (_m, quoted?: string, bare?: string) => {
      uses = true;
      const name = quoted ?? bare;
      if (name === undefined) return 'ajvRuntime.formats';
      return `ajvRuntime.formats[${JSON.stringify(Object.hasOwn(PYDANTIC_FORMATS, name) ? PYDANTIC_FORMATS[name] : name)}]`;
    });
  if (/\brequire\(/.test(rewritten)) throw new Error('ajv produced code that needs a module chanx-gen/runtime does not provide');
  return { code: rewritten, usesRuntime: uses };
}

function formatsUsed(nodes: unknown[]): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'format' && typeof value === 'string') found.add(value);
        else if (key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'examples') walk(value);
      }
    }
  };
  nodes.forEach(walk);
  return found;
}
