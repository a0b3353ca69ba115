/**
 * The pipeline of DESIGN §1, pure up to the plan: spec -> document -> model -> files -> plan.
 * `generate` and `--check` both call this; only `generate` applies the plan.
 */
import path from 'node:path';
import type { Diagnostic } from './load/diagnostics.js';
import { loadDocument } from './load/load-document.js';
import { displayPath } from './load/display-path.js';
import { buildModel } from './model/build-model.js';
import { viewFromParser } from './load/from-parser.js';
import type { ApiModel } from './model/types.js';
import { emitProject } from './emit/emit-project.js';
import type { GeneratedFile } from './emit/generated-file.js';
import { planOutput, type Plan } from './write/plan.js';

export interface PipelineOptions {
  spec: string;
  /** Output folder (default `generated`). */
  out?: string;
  discriminator?: string;
  cwd?: string;
  /** Run the AsyncAPI parser's style rules too (--verbose). */
  styleWarnings?: boolean;
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
  /** The AsyncAPI parser's warnings, style rules included with styleWarnings: shown with --verbose. */
  parserWarnings: Diagnostic[];
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadDocument(options.spec, cwd, { styleWarnings: options.styleWarnings === true });
  const spec = loaded.files[0]!;
  const { model, warnings } = buildModel(
    { document: viewFromParser(loaded.document), spec, specPath: spec.displayPath, inputHash: loaded.inputHash },
    options.discriminator === undefined ? {} : { discriminator: options.discriminator },
  );
  const emitted = emitProject(model);
  const files = emitted.files;
  const schemaWarnings = emitted.warnings.map((message): Diagnostic => ({ severity: 'warning', file: spec.displayPath, line: 0, column: 0, message: `validator: ${message}` }));
  const outDir = path.resolve(cwd, options.out ?? 'generated');
  const shownOut = displayPath(outDir, cwd);
  const plan = planOutput(outDir, files, shownOut);
  return { model, files, plan, shownOut, inputs: loaded.files.map((f) => f.absPath), warnings: [...warnings, ...schemaWarnings], parserWarnings: loaded.warnings };
}
