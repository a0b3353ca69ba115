/**
 * Checks a dereferenced document against the official AsyncAPI JSON Schema of its version, using
 * validators compiled at build time (dist/asyncapi-validators), and checks 2.x message examples
 * against their payloads, as @asyncapi/parser's core rules do. Errors are located in the spec.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CHANX_DISCRIMINATOR_NOTE, isChanxDiscriminatorAt } from './chanx-discriminator.js';
import type { Diagnostic } from './diagnostics.js';
import type { SourceFile } from './source-files.js';

const require = createRequire(import.meta.url);
const VALIDATORS = new URL('../../dist/asyncapi-validators/', import.meta.url);

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

export function validateDocument(root: Record<string, unknown>, spec: SourceFile): Diagnostic[] {
  const [major, minor] = String(root['asyncapi']).split('.');
  const file = fileURLToPath(new URL(`${major}.${minor}.0.cjs`, VALIDATORS));
  if (!existsSync(file)) throw new Error(`${file} is missing: the AsyncAPI validators are compiled by \`npm run build\``);
  const validate = require(file) as Validate;
  const origin = new Map<object, object>();
  const data = acyclic(root, { stub: () => ({ $ref: '#' }), origin });
  const out: Diagnostic[] = [];
  if (!validate(data)) {
    const errors = prune([...(validate.errors ?? [])]);
    const tolerated = errors.filter((e) => isChanxDiscriminatorAt(data, pointer(e.instancePath))).map((e) => e.instancePath);
    // A shared object (a channel that operations refer to, a schema used twice) is checked once per
    // place it appears; say each problem once, where it is met first.
    const said = new Map<object | undefined, Set<string>>();
    for (const e of errors) {
      const [owner, what] = problem(e, data, origin);
      const saidOf = said.get(owner) ?? new Set<string>();
      if (saidOf.has(what)) continue;
      said.set(owner, saidOf.add(what));
      const segments = pointer(e.instancePath);
      const own = tolerated.includes(e.instancePath);
      const cascade = (e.keyword === 'if' || e.keyword === 'else' || e.keyword === 'then' || e.keyword === 'oneOf') && tolerated.some((t) => t.startsWith(e.instancePath));
      const note = own ? CHANX_DISCRIMINATOR_NOTE : '';
      out.push({ severity: own || cascade ? 'warning' : 'error', file: spec.displayPath, ...spec.locate(segments), message: `${describe(e)}${note}${segments.length > 0 ? ` (at ${segments.join('.')})` : ''}` });
    }
  }
  // As @asyncapi/parser's core rules do for 2.x (it does not check 3.x examples).
  out.push(...checkChannelParameters(root, spec));
  if (String(root['asyncapi']).startsWith('2.')) out.push(...checkExamples(root, spec));
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** What an error is about: the original object it sits in (or on), and the key within it plus what it says. */
function problem(e: AjvError, data: unknown, origin: Map<object, object>): [object | undefined, string] {
  let node: unknown = data;
  let owner: object | undefined;
  let rest: string[] = [];
  for (const seg of pointer(e.instancePath)) {
    if (node !== null && typeof node === 'object') {
      owner = origin.get(node) ?? owner;
      rest = [];
    }
    rest.push(seg);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  }
  if (node !== null && typeof node === 'object') {
    owner = origin.get(node) ?? owner;
    rest = [];
  }
  return [owner, `${rest.join('/')}|${e.keyword}|${JSON.stringify(e.params)}`];
}

/** ajv's errors, thinned the way @asyncapi/parser thins them: the first error at a place says most. */
function prune(errors: AjvError[]): AjvError[] {
  for (const e of errors) if (e.keyword === 'additionalProperties') e.instancePath = `${e.instancePath}/${String(e.params['additionalProperty']).replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const kept = errors.filter((e) => !(e.keyword === 'required' && e.params['missingProperty'] === '$ref') && !(e.keyword === 'additionalProperties' && e.params['additionalProperty'] === '$ref'));
  for (let i = 0; i < kept.length; i++) {
    const e = kept[i]!;
    if (i + 1 < kept.length && kept[i + 1]!.instancePath === e.instancePath) {
      kept.splice(i + 1, 1);
      i--;
    } else if (i > 0 && e.keyword === 'oneOf' && kept[i - 1]!.instancePath.startsWith(e.instancePath)) {
      kept.splice(i, 1);
      i--;
    }
  }
  return kept;
}

function describe(e: AjvError): string {
  if (e.keyword === 'additionalProperties') return `property '${String(e.params['additionalProperty'])}' is not expected here`;
  if (e.keyword === 'required') return `must have required property '${String(e.params['missingProperty'])}'`;
  return e.message ?? `fails ${e.keyword}`;
}

function pointer(instancePath: string): string[] {
  return instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface CopyOptions {
  /** What stands where the copy would close a cycle. */
  stub: () => unknown;
  /** Keys to leave out of objects. */
  drop?: (key: string) => boolean;
  /** Filled with copy -> original, for every copied object. */
  origin?: Map<object, object>;
}

/** A tree copy of a graph, as ajv needs (it cannot validate cycles). */
function acyclic(node: unknown, options: CopyOptions, stack = new Set<object>()): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (stack.has(node)) return options.stub();
  stack.add(node);
  const copy = (
    Array.isArray(node)
      ? node.map((v) => acyclic(v, options, stack))
      : Object.fromEntries(Object.entries(node).filter(([k]) => options.drop?.(k) !== true).map(([k, v]) => [k, acyclic(v, options, stack)]))
  ) as object;
  stack.delete(node);
  options.origin?.set(copy, node);
  return copy;
}

/**
 * A channel that has a `parameters` object must describe each `{variable}` of its address, and no
 * others (the parser's channel-parameters rule; a 2.x channel without variables is not checked).
 */
function checkChannelParameters(root: Record<string, unknown>, spec: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const v2 = String(root['asyncapi']).startsWith('2.');
  const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const seen = new Set<object>();
  const places: [string[], Record<string, unknown>, string][] = Object.entries(obj(root['channels'])).map(([k, c]) => [['channels', k], obj(c), k]);
  if (!v2) places.push(...Object.entries(obj(obj(root['components'])['channels'])).map(([k, c]): [string[], Record<string, unknown>, string] => [['components', 'channels', k], obj(c), k]));
  for (const [at, channel, key] of places) {
    const parameters = channel['parameters'];
    if (seen.has(channel) || parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) continue;
    seen.add(channel);
    const address = v2 ? key : typeof channel['address'] === 'string' ? channel['address'] : '';
    const variables = [...address.matchAll(/{(.+?)}/g)].map((m) => m[1]!);
    if (v2 && variables.length === 0) continue;
    const defined = Object.keys(parameters);
    const missing = variables.filter((v) => !defined.includes(v));
    if (missing.length > 0) out.push({ severity: 'error', file: spec.displayPath, ...spec.locate([...at, 'parameters']), message: `the address has ${missing.map((m) => `{${m}}`).join(', ')} but "parameters" does not describe ${missing.length === 1 ? 'it' : 'them'} (at ${[...at, 'parameters'].join('.')})` });
    for (const extra of defined.filter((d) => !variables.includes(d))) {
      out.push({ severity: 'error', file: spec.displayPath, ...spec.locate([...at, 'parameters', extra]), message: `parameter '${extra}' is not in the address '${address}' (at ${[...at, 'parameters', extra].join('.')})` });
    }
  }
  return out;
}

/** Every message with its place in the document (components, 3.x channels, 2.x operations). */
function messagesWithPaths(root: Record<string, unknown>): [Record<string, unknown>, string[]][] {
  const found: [Record<string, unknown>, string[]][] = [];
  const seen = new Set<object>();
  const add = (m: unknown, at: string[]) => {
    if (m === null || typeof m !== 'object' || Array.isArray(m) || seen.has(m)) return;
    seen.add(m);
    found.push([m as Record<string, unknown>, at]);
  };
  const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  for (const [k, m] of Object.entries(obj(obj(root['components'])['messages']))) add(m, ['components', 'messages', k]);
  for (const [ck, c] of Object.entries(obj(root['channels']))) {
    for (const [mk, m] of Object.entries(obj(obj(c)['messages']))) add(m, ['channels', ck, 'messages', mk]);
    for (const action of ['publish', 'subscribe']) {
      const msg = obj(obj(obj(c)[action])['message']);
      if (Array.isArray(msg['oneOf'])) msg['oneOf'].forEach((m, i) => add(m, ['channels', ck, action, 'message', 'oneOf', String(i)]));
      else add(msg, ['channels', ck, action, 'message']);
    }
  }
  return found;
}

function checkExamples(root: Record<string, unknown>, spec: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  let ajv: { compile(schema: unknown): Validate } | undefined;
  for (const [m, at] of messagesWithPaths(root)) {
    const examples = m['examples'];
    const payload = m['payload'];
    if (!Array.isArray(examples) || payload === null || typeof payload !== 'object' || m['schemaFormat'] !== undefined) continue;
    const schema = payload;
    if (ajv === undefined) {
      const Ajv = require('ajv').default as new (o: object) => { compile(schema: unknown): Validate };
      ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, validateSchema: false });
      (require('ajv-formats').default as (a: unknown) => void)(ajv);
    }
    let validate: Validate;
    try {
      validate = ajv.compile(acyclic(schema, { stub: () => true, drop: (key) => key.startsWith('x-') }));
    } catch {
      continue; // a payload ajv cannot compile is reported when its validator is generated
    }
    examples.forEach((example, i) => {
      if (example === null || typeof example !== 'object' || !('payload' in example)) return;
      if (validate((example as { payload: unknown }).payload)) return;
      const e = validate.errors?.[0];
      const where = [...at, 'examples', String(i), 'payload', ...pointer(e?.instancePath ?? '')];
      out.push({ severity: 'error', file: spec.displayPath, ...spec.locate(where), message: `example does not match the payload: ${e === undefined ? 'invalid' : describe(e)} (at ${where.join('.')})` });
    });
  }
  return out;
}
