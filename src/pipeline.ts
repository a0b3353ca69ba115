/**
 * The pipeline of DESIGN §1, pure up to the plan: spec -> document -> model -> files -> plan.
 * `generate` and `--check` both call this; only `generate` applies the plan.
 */
import path from 'node:path';
import { InputError, type Diagnostic } from './load/diagnostics.js';
import { loadDocument } from './load/load-document.js';
import { displayPath } from './load/display-path.js';
import { buildModel } from './model/build-model.js';
import { viewFromParser } from './load/from-parser.js';
import type { LoadedView } from './load/loaded-view.js';
import type { SourceFile } from './load/source-files.js';
import { recallVerdict, rememberVerdict } from './load/verdict-cache.js';
import type { ApiModel } from './model/types.js';
import { emitProject } from './emit/emit-project.js';
import { checkSchemas } from './model/schema-checks.js';
import { locateKeyword } from './load/locate-keyword.js';
import type { GeneratedFile } from './emit/generated-file.js';
import { planOutput, type Plan } from './write/plan.js';

export interface PipelineOptions {
  spec: string;
  /** Output folder (default `generated`). */
  out?: string;
  discriminator?: string;
  cwd?: string;
  /** Also run @asyncapi/parser with all its rules and pass on what it says, as warnings (--verbose). */
  styleWarnings?: boolean;
  /** Reuse the parser's verdict on unchanged inputs, and keep it (load/verdict-cache.ts); the CLI does. */
  verdictCache?: boolean;
}

export interface PipelineResult {
  model: ApiModel;
  files: GeneratedFile[];
  plan: Plan;
  /** The output folder as shown to people (relative to cwd). */
  shownOut: string;
  /** Every input file (absolute), for --watch. */
  inputs: string[];
  /** The generator's own warnings (routing, unused messages): always shown. */
  warnings: Diagnostic[];
  /** @asyncapi/parser's findings with all its rules, as warnings, when styleWarnings is set (--verbose). */
  parserWarnings: Diagnostic[];
}

export type { LoadedView };

/**
 * Where a validator's complaint belongs: the keyword or format it names, else its channel, else the
 * document's first line. Every diagnostic has a place.
 */
function placeOf(message: string, files: readonly SourceFile[]): { file: string; line: number; column: number } {
  const spec = files[0]!;
  // A name may hold a quote (`format "a"b" is ...`): it ends at the quote a space or the end follows.
  const format = /format "(.*?)"(?=[ ;,]|$)/.exec(message);
  const keyword = /unknown keyword: "(.*?)"(?=[ ;,]|$)/.exec(message);
  const found = format !== null ? locateKeyword(files, 'format', format[1]) : keyword !== null ? locateKeyword(files, keyword[1]!) : undefined;
  if (found !== undefined) return found;
  const channel = /^channel '((?:[^']|'(?!:| \(client\)))*)'/.exec(message);
  return { file: spec.displayPath, ...(channel !== null ? spec.locate(['channels', channel[1]!]) : { line: 1, column: 1 }) };
}

/** A validator that cannot be compiled is refused at its channel's line (the emitter does not know lines). */
function locatedEmit<T>(emit: () => T, files: readonly SourceFile[]): T {
  try {
    return emit();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(err.diagnostics.map((d) => (d.line > 0 ? d : { ...d, ...placeOf(d.message, files) })));
  }
}

/** Loads through @asyncapi/parser, every rule its own (load/load-document.ts); with `cache`, its verdict on these very inputs when it was kept. */
export async function load(spec: string, cwd: string, cache = false): Promise<LoadedView> {
  const kept = cache ? recallVerdict(spec, cwd) : undefined;
  if (kept !== undefined) return kept;
  const parsed = await guarded(spec, cwd, () => loadDocument(spec, cwd));
  const loaded = { view: viewFromParser(parsed.document), files: parsed.files, inputHash: parsed.inputHash, warnings: parsed.warnings };
  if (cache) rememberVerdict(spec, cwd, loaded);
  return loaded;
}

/** Whatever the input, loading ends in a document or an InputError: never a stack trace. */
async function guarded<T>(spec: string, cwd: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof InputError) throw err;
    const why = err instanceof RangeError ? 'nested too deeply to read' : `cannot be read: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    throw new InputError([{ severity: 'error', file: displayPath(path.resolve(cwd, spec), cwd), line: 1, column: 1, message: why }]);
  }
}

/** Everything @asyncapi/parser says of the document with all its rules (--verbose), as advice only. */
async function parserAdvice(spec: string, cwd: string): Promise<Diagnostic[]> {
  try {
    return (await loadDocument(spec, cwd, { styleWarnings: true })).warnings.map((d) => ({ ...d, message: `parser: ${d.message}` }));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return err.diagnostics.map((d) => ({ ...d, severity: 'warning', message: `parser: ${d.message}` }));
  }
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = await load(options.spec, cwd, options.verdictCache === true);
  const spec = loaded.files[0]!;
  const { model, warnings } = buildModel(
    { document: loaded.view, spec, specPath: spec.displayPath, inputHash: loaded.inputHash },
    options.discriminator === undefined ? {} : { discriminator: options.discriminator },
  );
  const checked = checkSchemas(model, loaded.files);
  if (checked.some((d) => d.severity === 'error')) throw new InputError(checked.filter((d) => d.severity === 'error'));
  const emitted = locatedEmit(() => emitProject(model, loaded.files), loaded.files);
  const files = emitted.files;
  const schemaWarnings = [
    ...checked,
    ...emitted.warnings.map((message): Diagnostic => ({ severity: 'warning', ...placeOf(message, loaded.files), message: `validator: ${message}` })),
  ];
  const outDir = path.resolve(cwd, options.out ?? 'generated');
  const shownOut = displayPath(outDir, cwd);
  const plan = planOutput(outDir, files, shownOut, cwd);
  return {
    model,
    files,
    plan,
    shownOut,
    inputs: loaded.files.map((f) => f.absPath),
    warnings: [...loaded.warnings, ...warnings, ...schemaWarnings],
    parserWarnings: options.styleWarnings === true ? await parserAdvice(options.spec, cwd) : [],
  };
}
