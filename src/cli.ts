/**
 * The command line (DESIGN §7). `run` never exits the process and never throws for bad input:
 * it prints located errors and returns 2; 1 is drift found by --check; 0 is done or up to date.
 */
import { Command, CommanderError, Option } from 'commander';
import { formatDiagnostic, InputError, type Diagnostic } from './load/diagnostics.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PipelineOptions } from './pipeline.js';
import { displayPath } from './load/display-path.js';
import { recallStubParses, remember, upToDate, type CacheKey } from './write/check-cache.js';
import { plannedRuns } from './config/runs.js';
import type { CliIO, OnceResult } from './cli-io.js';
// Only what every run needs is imported here; `--check` on an unchanged tree (check-cache.ts) answers
// with that alone. Generation, diffs, --watch and init import their parts when they run.

export type { CliIO, OnceResult } from './cli-io.js';

export const EXIT_OK = 0;
export const EXIT_DRIFT = 1;
export const EXIT_BAD_INPUT = 2;

interface Flags {
  out?: string;
  check?: boolean;
  discriminator?: string;
  watch?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === 'init') return (await import('./init.js')).runInit(argv.slice(1), io);
  const program = new Command('chanx-gen')
    .description('Generate a typed, validated WebSocket back end from an AsyncAPI document')
    .argument('[spec]', 'AsyncAPI document (YAML or JSON); default: every document of chanx-gen.config.json')
    .option('-o, --out <dir>', "output folder (default: the configuration's, else generated)")
    .option('--check', 'write nothing; exit 1 with a diff when generating would change anything')
    .option('--discriminator <field>', 'routing field (default: action, else detected)')
    .option('--watch', 'regenerate when the spec or a file it references changes')
    .addOption(new Option('-q, --quiet', 'print errors only').conflicts('verbose'))
    .option('--verbose', 'also run @asyncapi/parser with all its rules and print its findings as warnings')
    .version(packageVersion(), '-V, --version')
    .addHelpText('after', '\n  chanx-gen init           start a project here: starter document, config, scripts')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    throw err;
  }
  const spec = program.args[0];
  const flags = program.opts<Flags>();
  if (flags.check === true && flags.watch === true) {
    io.stderr('chanx-gen: error: --check and --watch cannot be used together\n');
    return EXIT_BAD_INPUT;
  }
  if (flags.out !== undefined && flags.out.trim() === '') {
    // '' would be the working folder itself, with everything generated below it.
    io.stderr("chanx-gen: error: -o/--out must name the output folder (a path), not ''\n");
    return EXIT_BAD_INPUT;
  }
  if (flags.discriminator !== undefined && !/^[^\s]+$/.test(flags.discriminator)) {
    io.stderr(`chanx-gen: error: --discriminator takes a field name, not '${flags.discriminator}'\n`);
    return EXIT_BAD_INPUT;
  }
  let runs: ReturnType<typeof plannedRuns> | undefined;
  try {
    runs = plannedRuns(spec, flags, io.cwd, flags.verbose === true);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    printDiagnostics(err.diagnostics, io);
    io.stderr(`chanx-gen: ${count(err.diagnostics.length, 'error')} in the configuration; nothing written\n`);
    return EXIT_BAD_INPUT;
  }
  if (typeof runs === 'string') {
    io.stderr(`chanx-gen: error: ${runs}\n`);
    return EXIT_BAD_INPUT;
  }
  const ioIn = (cwd: string): CliIO => (cwd === io.cwd ? io : { ...io, cwd });
  if (flags.watch === true) {
    const { watchSpec } = await import('./watch.js');
    return Math.max(...(await Promise.all(runs.map((r) => watchSpec(r.options, ioIn(r.cwd), (o) => once(o, flags, ioIn(r.cwd)))))));
  }
  let code = EXIT_OK;
  for (const r of runs) code = Math.max(code, (await once(r.options, flags, ioIn(r.cwd))).code);
  return code;
}

/** One run of generate or check, with everything it prints. */
export async function once(options: PipelineOptions, flags: Pick<Flags, 'check' | 'quiet' | 'verbose'>, io: CliIO): Promise<OnceResult> {
  const outDir = path.resolve(io.cwd, options.out ?? 'generated');
  const shownOut = displayPath(outDir, io.cwd);
  const key: CacheKey = { cwd: io.cwd, spec: options.spec, outDir, options: JSON.stringify({ discriminator: options.discriminator ?? null }) };
  if (flags.check === true && flags.verbose !== true) {
    const fast = upToDate(key);
    if (fast !== undefined) {
      for (const note of fast.notes) if (flags.quiet !== true) io.stderr(`note: ${shownOut}/${note}\n`);
      if (flags.quiet !== true) io.stdout(`chanx-gen: ${shownOut}/ is up to date with ${options.spec}\n`);
      return { code: EXIT_OK, inputs: [] };
    }
  }
  recallStubParses(key);
  const { runPipeline } = await import('./pipeline.js');
  let result: Awaited<ReturnType<typeof runPipeline>>;
  try {
    result = await runPipeline({ ...options, verdictCache: true });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    printDiagnostics(err.diagnostics, io);
    io.stderr(`chanx-gen: ${count(err.diagnostics.length, 'error')}; nothing written\n`);
    return { code: EXIT_BAD_INPUT, inputs: [] };
  }
  const { plan } = result;
  if (flags.verbose === true) printDiagnostics(result.parserWarnings, io);
  if (flags.quiet !== true) printDiagnostics(result.warnings, io);
  for (const note of plan.notes) if (flags.quiet !== true || note.includes('not found')) io.stderr(`note: ${note}\n`);

  if (flags.check === true) {
    const unchecked = plan.unchecked ?? [];
    if (plan.changes.length === 0 && unchecked.length > 0) {
      // A stub without its class: every handler it should hold is missing, and none can be appended.
      io.stderr(
        `${unchecked.map((f) => `unchecked: ${f}`).join('\n')}\nchanx-gen: ${shownOut}/ has drifted from ${result.model.specPath}: ${count(unchecked.length, 'stub')} without its class (see the note above)\n`,
      );
      return { code: EXIT_DRIFT, inputs: result.inputs };
    }
    if (plan.changes.length === 0) {
      if (flags.quiet !== true) io.stdout(`chanx-gen: ${shownOut}/ is up to date with ${result.model.specPath}\n`);
      remember(key, result.inputs, result.files);
      return { code: EXIT_OK, inputs: result.inputs };
    }
    const { unifiedDiff } = await import('./write/unified-diff.js');
    for (const change of plan.changes) io.stdout(unifiedDiff(change, shownOut));
    const summary = plan.changes.map((c) => `${c.kind === 'add' ? 'missing' : c.kind === 'remove' ? 'orphaned' : 'differs'}: ${shownOut}/${c.path}`).join('\n');
    io.stderr(
      `${summary}\nchanx-gen: ${shownOut}/ has drifted from ${result.model.specPath} (${count(plan.changes.length, 'file')}); run chanx-gen ${result.model.specPath} to update\n`,
    );
    return { code: EXIT_DRIFT, inputs: result.inputs };
  }

  const { applyPlan } = await import('./write/apply-plan.js');
  try {
    applyPlan(plan, io.cwd);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    printDiagnostics(err.diagnostics, io);
    io.stderr('chanx-gen: 1 error; nothing written\n');
    return { code: EXIT_BAD_INPUT, inputs: result.inputs };
  }
  remember(key, result.inputs, result.files);
  if (flags.quiet !== true) {
    for (const change of plan.changes) {
      const file = result.files.find((f) => f.path === change.path);
      if (change.kind === 'add' && file?.kind === 'stub')
        io.stdout(
          `created ${shownOut}/${change.path}: yours to fill in${file.methods.length > 0 ? ` (${file.methods.map((m) => m.name).join(', ')})` : ''}; chanx-gen will never rewrite it\n`,
        );
      if (change.kind === 'add' && file?.kind === 'starter')
        io.stdout(`created ${shownOut}/${change.path}: a starter test of its channel (node:test), yours; chanx-gen will never rewrite it\n`);
    }
    const by = (k: string) => plan.changes.filter((c) => c.kind === k).length;
    io.stdout(
      `chanx-gen: ${shownOut}/ from ${result.model.specPath}: ${by('add')} added, ${by('update')} updated, ${by('remove')} removed, ${plan.unchanged} unchanged\n`,
    );
  }
  return { code: EXIT_OK, inputs: result.inputs };
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function printDiagnostics(diagnostics: readonly Diagnostic[], io: CliIO): void {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
