/**
 * `tsc` as a function (test/helpers/tsc.ts): the same command line, the same diagnostics in the same
 * words, the same emit, but run in a process that stays up (test/helpers/tsc-server.mjs), so that what
 * every tsc run of the suite repeats is done once:
 * - the declaration files every run reads (TypeScript's lib, @types/node, dist/ of this package, ws,
 *   ioredis...) are parsed and bound once per set of the compiler options that parsing and binding
 *   depend on, and kept while their bytes stay the same;
 * - with skipLibCheck false, each declaration file is type-checked once per set of compiler options
 *   and set of files its check can see (each file's bytes in the key): the files it imports or
 *   references, theirs in turn, and every file that reaches the global scope (a script, such as
 *   TypeScript's lib and @types/node, or a file that declares a global, an ambient module or a UMD
 *   global), with its own imports. A later program in which a declaration file sees the same files
 *   gets its diagnostics from that check, whatever else the program holds: programs that differ by a
 *   declaration file they do not share (one imports chanx-gen/client, another does not) still share
 *   the check of @types/node. A file the run names that reaches the global scope is in every key, so
 *   every declaration file is checked again when it changes. The files a run names (its include,
 *   its files) are always checked.
 * The order of the steps is tsc's (emitFilesAndReportErrors): syntax, then options and globals, then
 * semantics only if nothing came before; the diagnostics sorted and deduplicated, printed as tsc
 * prints them to a pipe (file(line,col): error TSn: message), paths relative to the caller's folder.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import ts from 'typescript';

/** Compiler options that name where things go or come from, not how anything type-checks. */
const NOT_CHECKING = new Set(['configFilePath', 'project', 'outDir', 'rootDir', 'noEmit', 'sourceMap', 'tsBuildInfoFile', 'listFiles', 'pretty']);

/**
 * The options as they check: moduleResolution as TypeScript derives it when unset (nodenext for module
 * nodenext), and skipLibCheck false the same as unset, so configs that spell the defaults out share.
 */
function optionsKey(options) {
  const effective = { ...options, moduleResolution: ts.getEmitModuleResolutionKind(options) };
  if (effective.skipLibCheck === false) delete effective.skipLibCheck;
  if (effective.skipDefaultLibCheck === false) delete effective.skipDefaultLibCheck;
  const kept = Object.entries(effective)
    .filter(([k]) => !NOT_CHECKING.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(kept);
}

/**
 * The options a parsed and bound file depends on: those TypeScript itself compares before it reuses
 * a file of an older program (its `sourceFileAffectingCompilerOptions`), so that runs that differ
 * only in how they check (skipLibCheck, noUnusedLocals, @tsconfig/strictest) share the parse.
 * Without that list (a TypeScript other than the pinned one), every option counts.
 */
function parseKey(options) {
  const affecting = ts.sourceFileAffectingCompilerOptions;
  if (!Array.isArray(affecting)) return optionsKey(options);
  return JSON.stringify(affecting.map((option) => [option.name, options[option.name] ?? null]));
}

const hashOf = (text) => createHash('sha256').update(text).digest('hex');

/** Declarations merged into the global scope or into another module: they can change how other files check. */
const REACHES_OUT = /\bdeclare\s+(global\b|module\s*['"])|\bexport\s+as\s+namespace\b/;

export function createChecker() {
  /** parseKey -> fileName and module format -> { text, sourceFile } (declaration files only). */
  const parsed = new Map();
  /** libKeys' key of a declaration file -> { syntactic, semantic } (either missing until asked for). */
  const libChecks = new Map();
  const textHash = new WeakMap();
  /** Declaration files whose diagnostics were known, and checked, across all runs. */
  const stats = { runs: 0, libHits: 0, libMisses: 0 };
  const bytesOf = (sf) => {
    let h = textHash.get(sf);
    if (h === undefined) textHash.set(sf, (h = hashOf(sf.text)));
    return h;
  };

  /**
   * For each declaration file of `program`, a key that holds everything its diagnostics can depend on
   * (see the note at the top): the options, and the path, bytes and module resolutions of each file
   * it can see. The resolutions come from the program's internals (TypeScript is pinned); without
   * them, nothing is kept.
   */
  function libKeys(program, options, libFiles) {
    if (typeof program.forEachResolvedModule !== 'function' || typeof program.forEachResolvedTypeReferenceDirective !== 'function') return undefined;
    const edges = new Map();
    const sees = (sf) => {
      let found = edges.get(sf);
      if (found !== undefined) return found;
      const resolutions = [];
      const files = [];
      const add = (fileName) => {
        const target = fileName === undefined ? undefined : program.getSourceFile(fileName);
        if (target !== undefined) files.push(target);
      };
      program.forEachResolvedModule((r, name, mode) => {
        resolutions.push([name, mode ?? null, r.resolvedModule?.resolvedFileName ?? null]);
        add(r.resolvedModule?.resolvedFileName);
      }, sf);
      program.forEachResolvedTypeReferenceDirective((r, name, mode) => {
        resolutions.push([`types:${name}`, mode ?? null, r.resolvedTypeReferenceDirective?.resolvedFileName ?? null]);
        add(r.resolvedTypeReferenceDirective?.resolvedFileName);
      }, sf);
      for (const ref of sf.referencedFiles) add(ts.resolveTripleslashReference(ref.fileName, sf.fileName));
      found = { resolutions, files };
      edges.set(sf, found);
      return found;
    };
    const closure = (starts) => {
      const seen = new Set(starts);
      const queue = [...starts];
      while (queue.length > 0) {
        for (const next of sees(queue.pop()).files) {
          if (seen.has(next)) continue;
          seen.add(next);
          queue.push(next);
        }
      }
      const entries = [...seen].map((sf) => [path.resolve(sf.fileName), bytesOf(sf), sees(sf).resolutions]);
      return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    };
    const reachesGlobals = program.getSourceFiles().filter((sf) => !ts.isExternalModule(sf) || REACHES_OUT.test(sf.text));
    const global = JSON.stringify([optionsKey(options), closure(reachesGlobals)]);
    return new Map(libFiles.map((sf) => [sf, hashOf(JSON.stringify([global, path.resolve(sf.fileName), closure([sf])]))]));
  }

  function hostFor(options, cwd) {
    const key = parseKey(options);
    let files = parsed.get(key);
    if (files === undefined) parsed.set(key, (files = new Map()));
    const host = ts.createCompilerHost(options);
    host.getCurrentDirectory = () => cwd;
    // As tsc has it: JSDoc is parsed only where it can give a type error.
    host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
      if (!fileName.endsWith('.d.ts') && !fileName.endsWith('.d.mts') && !fileName.endsWith('.d.cts'))
        return getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
      const text = ts.sys.readFile(fileName);
      if (text === undefined) return undefined;
      const format = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions.impliedNodeFormat : undefined;
      const slot = `${fileName}\0${format}`;
      const known = files.get(slot);
      if (known !== undefined && known.text === text) return known.sourceFile;
      const sourceFile = ts.createSourceFile(fileName, text, languageVersionOrOptions, false);
      files.set(slot, { text, sourceFile });
      return sourceFile;
    };
    return host;
  }

  /** Runs `tsc <args>` in `cwd`: its exit status (0 when nothing is reported) and what it prints. */
  function run(args, cwd) {
    stats.runs++;
    const started = performance.now();
    const commandLine = ts.parseCommandLine(args, (f) => ts.sys.readFile(path.resolve(cwd, f)));
    let parsedLine = commandLine;
    const early = [...commandLine.errors];
    const absolute = (f) => path.resolve(cwd, f);
    const project0 = commandLine.options.project ?? (commandLine.fileNames.length === 0 ? ts.findConfigFile(cwd, ts.sys.fileExists) : undefined);
    if (project0 !== undefined) {
      let project = absolute(project0);
      if (ts.sys.directoryExists(project)) project = path.join(project, 'tsconfig.json');
      const configHost = {
        ...ts.sys,
        getCurrentDirectory: () => cwd,
        onUnRecoverableConfigFileDiagnostic: (d) => early.push(d),
      };
      const { project: _p, ...extend } = commandLine.options;
      const fromConfig = ts.getParsedCommandLineOfConfigFile(project, ts.convertToOptionsWithAbsolutePaths(extend, absolute), configHost);
      if (fromConfig === undefined) return report(early, cwd, 1);
      parsedLine = fromConfig;
    } else {
      parsedLine = { ...commandLine, options: ts.convertToOptionsWithAbsolutePaths(commandLine.options, absolute) };
    }
    const options = parsedLine.options;
    const host = hostFor(options, cwd);
    const program = ts.createProgram({
      rootNames: parsedLine.fileNames.map(absolute),
      options,
      host,
      projectReferences: parsedLine.projectReferences,
      configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsedLine),
    });
    const all = [...early, ...program.getConfigFileParsingDiagnostics()];
    const before = all.length;
    const sourceFiles = program.getSourceFiles();
    const roots = new Set(program.getRootFileNames().map((f) => path.resolve(f)));
    const isLib = (sf) => sf.isDeclarationFile && !roots.has(path.resolve(sf.fileName));
    const keys = libKeys(program, options, sourceFiles.filter(isLib));
    const fileDiagnostics = (sf, kind) => {
      const key = keys?.get(sf);
      const known = key === undefined ? undefined : libChecks.get(key);
      if (known?.[kind] !== undefined) {
        if (kind === 'semantic') stats.libHits++;
        return known[kind];
      }
      const found = kind === 'syntactic' ? program.getSyntacticDiagnostics(sf) : program.getSemanticDiagnostics(sf);
      if (key !== undefined) {
        if (kind === 'semantic') stats.libMisses++;
        libChecks.set(key, { ...known, [kind]: found });
      }
      return found;
    };
    for (const sf of sourceFiles) all.push(...fileDiagnostics(sf, 'syntactic'));
    if (all.length === before) {
      all.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
      if (all.length === before) for (const sf of sourceFiles) all.push(...fileDiagnostics(sf, 'semantic'));
      if (options.noEmit && (options.declaration || options.composite) && all.length === before) all.push(...program.getDeclarationDiagnostics());
    }
    if (process.env.CHANX_GEN_TSC_DEBUG === '1')
      process.stderr.write(
        `tsc ${args.join(' ')}: options ${hashOf(optionsKey(options)).slice(0, 6)}, ${sourceFiles.filter(isLib).length} of ${sourceFiles.length} files declarations, ${keys === undefined ? 'none kept' : 'kept'}, so far ${JSON.stringify(stats)}, ${Math.round(performance.now() - started)} ms\n`,
      );
    const emitted = program.emit();
    all.push(...emitted.diagnostics);
    const errors = all.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
    return report(all, cwd, errors === 0 ? 0 : emitted.emitSkipped ? 1 : 2);
  }

  function report(diagnostics, cwd, code) {
    const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => cwd, getNewLine: () => '\n' };
    const output = ts
      .sortAndDeduplicateDiagnostics(diagnostics)
      .map((d) => ts.formatDiagnostic(d, formatHost))
      .join('');
    return { code, output };
  }

  return { run, stats };
}
