/**
 * The differential run of issue #12: mutates the corpus documents (mutations.ts) and holds chanx-gen's
 * loader to @asyncapi/parser as shipped: the same verdict, the same model where both accept, a located
 * error where both refuse, no crash, on every variant.
 *
 * The reference is `new Parser()` with its defaults, as a user runs it. One thing is changed about
 * it, for time only: Spectral compiles the AsyncAPI meta-schema anew for every parse (~1 s), so here
 * the compiled meta-schema validators are shared between parses (compiled once per version by the
 * same ajv setup, from the same schema objects); every other schema is compiled per parse as shipped.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../src/load/diagnostics.js';
import { isChanxDiscriminatorAt } from '../../src/load/chanx-discriminator.js';
import { viewFromParser } from '../../src/load/from-parser.js';
import { readSourceFile } from '../../src/load/source-files.js';
import { buildModel } from '../../src/model/build-model.js';
import { load, runPipeline } from '../../src/pipeline.js';
import { corpusDocs, SHARED } from '../helpers/corpus.js';
import { tsc } from '../helpers/tsc.js';
import { MUTATION_KINDS, mutate, seeded, type Variant } from './mutations.js';

const require = createRequire(import.meta.url);
type Parser = import('@asyncapi/parser').Parser;

let reference: Parser | undefined;
/** @asyncapi/parser as shipped (see the note above on its meta-schema compilation). */
export async function referenceParser(): Promise<Parser> {
  if (reference !== undefined) return reference;
  const fromParser = createRequire(require.resolve('@asyncapi/parser'));
  const ajvModule = createRequire(fromParser.resolve('@stoplight/spectral-functions'))('./schema/ajv.js') as { createAjvInstances: () => AjvFor };
  const original = ajvModule.createAjvInstances;
  const shared = original();
  const meta = /^http:\/\/asyncapi\.com\/definitions\/[\d.]+\/asyncapi-(resolved|unresolved)\.json$/;
  ajvModule.createAjvInstances = () => {
    const own = original();
    return (schema, dialect, allErrors) => (typeof schema.$id === 'string' && meta.test(schema.$id) ? shared : own)(schema, dialect, allErrors);
  };
  const { Parser } = await import('@asyncapi/parser');
  reference = new Parser();
  return reference;
}
type AjvFor = (schema: { $id?: unknown }, dialect: string, allErrors: boolean) => unknown;

export interface Seed {
  file: string;
  data: unknown;
}

/** Valid corpus documents that stand alone (no `$ref` to other files), small enough to parse quickly. */
export function seeds(maxBytes = 60_000): Seed[] {
  return corpusDocs()
    .filter((d) => d.manifest === 'valid')
    .map((d) => ({ file: d.file, text: readFileSync(path.join(SHARED, d.file), 'utf8') }))
    .filter((d) => d.text.length <= maxBytes && !/\$ref['"]?\s*:\s*['"]?(?!#)[^\s'"]/.test(d.text))
    .map((d) => ({ file: d.file, data: parseYaml(d.text) as unknown }));
}

type Outcome = { accepted: true; model: string } | { accepted: false; located: boolean; first: string; modelLevel: boolean; said?: string[] };

/** A diagnostic as `line: message`, the form in which both sides' refusals are compared. */
const said = (line: number, message: string) => `${line}: ${message}`;

async function ours(dir: string, file: string): Promise<Outcome> {
  let loaded: Awaited<ReturnType<typeof load>>;
  try {
    loaded = await load(file, dir);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return {
      accepted: false,
      located: err.diagnostics.every((d) => d.file !== '' && d.line > 0),
      first: err.message.split('\n')[0]!,
      modelLevel: false,
      said: err.diagnostics.map((d) => said(d.line, d.message)),
    };
  }
  return model(() => loaded.view, dir, file);
}

function model(view: () => Parameters<typeof buildModel>[0]['document'], dir: string, file: string): Outcome {
  try {
    const spec = readSourceFile(path.join(dir, file), dir);
    return { accepted: true, model: JSON.stringify(buildModel({ document: view(), spec, specPath: file, inputHash: '' }).model) };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { accepted: false, located: err.diagnostics.every((d) => d.file !== '' && d.line > 0), first: err.message.split('\n')[0]!, modelLevel: true };
  }
}

/** The parser's verdict; errors it gives only for a Chanx discriminator object are the one tolerance chanx-gen has by design. */
async function theirs(dir: string, file: string, text: string): Promise<Outcome & { threw?: string }> {
  const parser = await referenceParser();
  const { document, diagnostics } = await parser.parse(text, { source: path.join(dir, file) });
  const errors = diagnostics.filter((d) => d.severity === 0);
  const threw = errors.find((d) => d.code === 'uncaught-error')?.message.split(', stack:')[0];
  if (document !== undefined) return model(() => viewFromParser(document), dir, file);
  let data: unknown;
  try {
    data = readSourceFile(path.join(dir, file), dir).data;
  } catch {
    data = undefined;
  }
  const onlyDiscriminators =
    errors.length > 0 && errors.every((d) => isChanxDiscriminatorAt(data, d.path) || / must match "(else|then)" schema$/.test(d.message));
  if (onlyDiscriminators) return { accepted: true, model: 'chanx-discriminator' };
  return {
    accepted: false,
    located: true,
    first: errors[0]?.message ?? '',
    modelLevel: false,
    said: errors.map((d) => said(d.range.start.line + 1, d.message)),
    ...(threw !== undefined ? { threw } : {}),
  };
}

export interface DifferentialResult {
  variants: number;
  accepted: number;
  refused: number;
  /** Accepted variants whose code was generated (with `emit`). */
  emitted: number;
  /** How many variants each kind of mutation made (mutations.ts, MUTATION_KINDS). */
  kinds: Record<string, number>;
  /** Variants on which the parser itself threw (a parser bug); chanx-gen must refuse them with a location. */
  parserThrew: string[];
  disagreements: string[];
}

export async function runDifferential(options: { seed: number; variants: number; dir: string; seeds?: Seed[]; emit?: boolean }): Promise<DifferentialResult> {
  const random = seeded(options.seed);
  const pool = options.seeds ?? seeds();
  if (pool.length === 0) throw new Error('no seed documents: the corpus is missing');
  const result: DifferentialResult = { variants: 0, accepted: 0, refused: 0, emitted: 0, kinds: {}, parserThrew: [], disagreements: [] };
  // The kinds of mutation take turns, so that a short campaign tries every one of them; a kind that
  // does not apply to five seeds in a row gives its turn to the next.
  let turn = 0;
  let misses = 0;
  for (let attempt = 0; result.variants < options.variants && attempt < options.variants * 5; attempt++) {
    const seed = pool[Math.floor(random() * pool.length)]!;
    const kind = MUTATION_KINDS[turn % MUTATION_KINDS.length]!;
    const variant = mutate(seed.data, random, kind);
    if (variant === undefined) {
      if (++misses === 5) {
        turn++;
        misses = 0;
      }
      continue;
    }
    turn++;
    misses = 0;
    result.kinds[kind] = (result.kinds[kind] ?? 0) + 1;
    result.variants++;
    const dir = path.join(options.dir, `v${result.variants}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, variant.file), variant.text);
    const verdict = await compare(dir, variant, seed.file);
    if (verdict.disagreement !== undefined) result.disagreements.push(verdict.disagreement);
    else if (verdict.accepted && options.emit === true) {
      const problem = await emitStep(dir, variant.file);
      if (problem !== undefined) result.disagreements.push(`${path.basename(dir)} (${seed.file}, ${variant.what}): ${problem}`);
      else result.emitted++;
    }
    if (verdict.parserThrew !== undefined) result.parserThrew.push(verdict.parserThrew);
    if (verdict.accepted) result.accepted++;
    else result.refused++;
  }
  if (options.emit === true && result.emitted > 0) result.disagreements.push(...(await compileEmitted(options.dir)));
  return result;
}

/**
 * Refusals the emit step may give (README, "What chanx-gen refuses"): a schema that cannot be
 * validated, or a validator ajv cannot compile. Anything else is a generator bug.
 */
const EMIT_REFUSALS = /cannot be validated|cannot be compiled into a validator/;

/** Issue 21 item 5: where both accept, chanx-gen generates code (written to `dir`/gen), or refuses with a location for a listed reason. */
async function emitStep(dir: string, file: string): Promise<string | undefined> {
  let files: Awaited<ReturnType<typeof runPipeline>>['files'];
  try {
    files = (await runPipeline({ spec: file, cwd: dir, out: 'gen' })).files;
  } catch (err) {
    if (!(err instanceof InputError)) return `the emit step crashed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    const bad = err.diagnostics.find((d) => d.file === '' || d.line <= 0 || !EMIT_REFUSALS.test(d.message));
    return bad === undefined ? undefined : `the emit step refused without a location or for a reason the README does not list: ${bad.message}`;
  }
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, 'gen', f.path)), { recursive: true });
    writeFileSync(path.join(dir, 'gen', f.path), f.content);
  }
  return undefined;
}

/** Every variant's generated code, compiled at once (tsc --strict, nodenext): each variant with errors is a disagreement. */
async function compileEmitted(root: string): Promise<string[]> {
  const config = path.join(root, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, types: ['node'] }, include: ['*/gen/**/*.ts'] }),
  );
  const { code, output: out } = await tsc(['-p', config]);
  if (code === 0 && out === '') return [];
  const byVariant = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /(v\d+)\/gen\/(.*)$/.exec(line);
    if (m !== null && !byVariant.has(m[1]!)) byVariant.set(m[1]!, m[2]!);
  }
  return byVariant.size === 0
    ? [`generated code does not compile: ${out.slice(0, 500)}`]
    : [...byVariant].map(([v, first]) => `${v}: generated code does not compile: ${first}`);
}

async function compare(dir: string, variant: Variant, seedFile: string): Promise<Judged> {
  return judgeBoth(dir, variant.file, variant.text, `${path.basename(dir)} (${seedFile}, ${variant.what})`);
}

export interface Judged {
  accepted: boolean;
  disagreement?: string;
  parserThrew?: string;
}

/** One document (`dir`/`file`, whose text is `text`) judged by chanx-gen and by the parser. */
const REMOTE_REF = /points to a remote document; chanx-gen never fetches/;

export async function judgeBoth(dir: string, file: string, text: string, label: string): Promise<Judged> {
  const variant = { file, text };
  let a: Outcome;
  try {
    a = await ours(dir, variant.file);
  } catch (err) {
    return { accepted: false, disagreement: `${label}: chanx-gen crashed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  const unlocated = (first: string): Judged => ({ accepted: false, disagreement: `${label}: refused without a location: ${first}` });
  // chanx-gen refuses a remote $ref before reading further (it never fetches). The parser would fetch
  // it: a test goes no further than loopback, and what the parser says next depends on the network.
  // That chanx-gen refuses it, with a location, is the verdict.
  if (!a.accepted && REMOTE_REF.test(a.first)) return a.located ? { accepted: false } : unlocated(a.first);
  let b: Awaited<ReturnType<typeof theirs>>;
  try {
    b = await theirs(dir, variant.file, variant.text);
  } catch (err) {
    // The parser itself failed (a bug in it): chanx-gen must still end in a located refusal.
    const why = `${label}: the parser threw ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    return a.accepted
      ? { accepted: true, disagreement: `${why}, chanx-gen accepted` }
      : { accepted: false, parserThrew: why, ...(a.located ? {} : { disagreement: `${why}; chanx-gen's refusal has no location` }) };
  }
  if (b.accepted && b.model === 'chanx-discriminator') return { accepted: a.accepted };
  if (!a.accepted && !a.located) return unlocated(a.first);
  if (a.accepted !== b.accepted) {
    return {
      accepted: a.accepted,
      disagreement: `${label}: chanx-gen ${a.accepted ? 'accepts' : `refuses (${a.first})`}, the parser ${b.accepted ? 'accepts' : `refuses (${b.first})`}`,
    };
  }
  if (a.accepted && b.accepted && a.model !== b.model) return { accepted: true, disagreement: `${label}: the models differ` };
  if (!a.accepted && !b.accepted && a.modelLevel !== b.modelLevel) return { accepted: false, disagreement: `${label}: refused at different steps` };
  if (!a.accepted && !b.accepted && b.threw === undefined) {
    // The parser's own words at the parser's own lines: each of its errors is among ours.
    const unsaid = (b.said ?? []).filter((theirs) => !(a.said ?? []).some((mine) => mine.startsWith(theirs)));
    if (unsaid.length > 0)
      return { accepted: false, disagreement: `${label}: the parser says ${JSON.stringify(unsaid[0])}, chanx-gen does not (first: ${a.first})` };
  }
  return { accepted: a.accepted, ...('threw' in b && b.threw !== undefined ? { parserThrew: `${label}: ${b.threw}` } : {}) };
}
