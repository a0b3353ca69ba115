/**
 * `chanx-gen init`: starts a project in the working directory (empty or not) with the starter
 * document (the Chanx tutorial's system echo), the configuration, its consumer filled in with its
 * starter test, a tsconfig and the package.json scripts to generate, build, start and test; then
 * prints the next commands.
 * A file that exists is never overwritten: it is kept and said so (package.json only gains the
 * scripts it lacks).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CliIO } from './cli-io.js';
import { findProjectConfig, CONFIG_FILE } from './config/project-config.js';
import { formatDiagnostic, InputError, jsonSyntaxError } from './load/diagnostics.js';

const PACKAGE_ROOT = new URL('../', import.meta.url);
const STARTER_SPEC = 'specs/system.yaml';
const STARTER_CONSUMER = 'generated/system/consumer.ts';
const STARTER_TEST = 'generated/system/consumer.test.ts';

export const NEXT_COMMANDS = [
  'npm install chanx-gen && npm install --save-dev typescript @types/node',
  'npm run generate && npm run build && npm start',
  'npm test',
];

export async function runInit(argv: readonly string[], io: CliIO): Promise<number> {
  const program = new Command('chanx-gen init')
    .description('Start a project: a starter AsyncAPI document, chanx-gen.config.json, a tsconfig and package.json scripts; never overwrites a file')
    .option('--spec <file>', 'where to put the starter document', 'asyncapi.yaml')
    .option('-o, --out <dir>', 'output folder for generated code', 'generated')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  if (program.args.length > 0) {
    io.stderr(`chanx-gen init: error: unexpected argument '${program.args[0]}'\n`);
    return 2;
  }
  const { spec, out } = program.opts<{ spec: string; out: string }>();
  const posix = (p: string): string => path.normalize(p).split(path.sep).join('/').replace(/\/$/, '');
  const specPath = posix(spec);
  const outDir = posix(out);

  let configured = false;
  try {
    configured = findProjectConfig(io.cwd) !== undefined;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    configured = true; // a configuration exists (and is wrong): leave it to the person
    for (const d of err.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  }

  const pkgFile = path.join(io.cwd, 'package.json');
  let pkg: Record<string, unknown> | undefined;
  if (existsSync(pkgFile)) {
    const text = readFileSync(pkgFile, 'utf8');
    try {
      pkg = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      io.stderr(`${jsonSyntaxError('package.json', text, err).message}\nchanx-gen: 1 error; nothing written\n`);
      return 2;
    }
  }

  const place = (rel: string, content: () => string): boolean => {
    const abs = path.join(io.cwd, rel);
    if (existsSync(abs)) {
      io.stdout(`kept ${rel} (exists)\n`);
      return false;
    }
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content());
    io.stdout(`created ${rel}\n`);
    return true;
  };
  const starter = (rel: string): string => readFileSync(new URL(rel, PACKAGE_ROOT), 'utf8');

  const newSpec = place(specPath, () => starter(STARTER_SPEC));
  if (configured) io.stdout('kept the chanx-gen configuration that applies here\n');
  else place(CONFIG_FILE, () => `${JSON.stringify({ documents: [{ spec: specPath, out: outDir }] }, null, 2)}\n`);
  // The stub chanx-gen would create for the starter, filled in as the Chanx tutorial says; generation keeps it.
  // Its starter test is written for that filled consumer (welcome, pong, the echo's prefix): made
  // only with it, as the generator makes a starter test only with its stub, never beside a consumer.ts
  // someone already has.
  if (newSpec && place(`${outDir}/system/consumer.ts`, () => starter(STARTER_CONSUMER).replace(`from ${STARTER_SPEC}.`, `from ${specPath}.`)))
    place(`${outDir}/system/consumer.test.ts`, () => starter(STARTER_TEST).replace(`from ${STARTER_SPEC} with`, `from ${specPath} with`));
  // incremental: `npm test` compiles again right after `npm run build` (and after each edit to a
  // stub); tsc keeps what it checked in build/tsconfig.tsbuildinfo and redoes only what changed.
  // The scripts run `tsc -b`, which sees from that state that nothing changed without building a
  // program: for the starter with nothing changed, 1.0 CPU-s, against 3.0 for `tsc`.
  // A Node.js server's lib and checks, as @tsconfig/node20 sets them: no DOM globals (a handler that
  // names `document` fails to compile, not at run time), and the libraries' own .d.ts files are not
  // checked again on every build (the starter's first build: 10.2 -> 3.6 CPU-s). chanx-gen's own
  // declarations are checked with skipLibCheck: false by its package test.
  place(
    'tsconfig.json',
    () =>
      `${JSON.stringify(
        {
          compilerOptions: {
            target: 'es2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            lib: ['es2023'],
            strict: true,
            skipLibCheck: true,
            rootDir: '.',
            outDir: 'build',
            sourceMap: true,
            incremental: true,
          },
          include: [outDir],
        },
        null,
        2,
      )}\n`,
  );

  // node:test on the compiled build: no test runner to install, and no TypeScript loader on Node 20.
  // The shell expands the pattern (one folder per channel), so Node 20, which takes no patterns, runs it too.
  const scripts: Record<string, string> = {
    generate: 'chanx-gen',
    build: 'tsc -b',
    start: `node build/${outDir}/server.js`,
    test: `chanx-gen -q && tsc -b && node --test build/${outDir}/*/*.test.js`,
  };
  if (pkg === undefined) {
    const name =
      path
        .basename(io.cwd)
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[._-]+/, '') || 'chanx-app';
    writeFileSync(pkgFile, `${JSON.stringify({ name, version: '0.1.0', private: true, type: 'module', scripts }, null, 2)}\n`);
    io.stdout(`created package.json (scripts: ${Object.keys(scripts).join(', ')})\n`);
  } else {
    const existing = (pkg['scripts'] ?? {}) as Record<string, string>;
    const added = Object.keys(scripts).filter((k) => existing[k] === undefined);
    for (const k of Object.keys(scripts))
      if (existing[k] !== undefined && existing[k] !== scripts[k]) io.stdout(`kept script '${k}' ("${existing[k]}"); chanx-gen's would be "${scripts[k]}"\n`);
    if (added.length > 0) {
      pkg['scripts'] = { ...existing, ...Object.fromEntries(added.map((k) => [k, scripts[k]!])) };
      const text = readFileSync(pkgFile, 'utf8');
      const indent = /^\{\r?\n([ \t]+)/.exec(text)?.[1] ?? '  ';
      writeFileSync(pkgFile, `${JSON.stringify(pkg, null, indent)}\n`);
      io.stdout(`package.json: added script${added.length === 1 ? '' : 's'} ${added.join(', ')}\n`);
    }
    if (pkg['type'] !== 'module') io.stdout('note: generated code is ESM: package.json needs "type": "module" (chanx-gen did not change it)\n');
  }

  io.stdout(`\nNext:\n${NEXT_COMMANDS.map((c) => `  ${c}\n`).join('')}`);
  return 0;
}
