/**
 * `tsc` as a function (test/helpers/tsc.ts): the same command line, the same diagnostics in the same
 * words, the same emit, but run in a process that stays up (test/helpers/tsc-server.mjs), so that what
 * every tsc run of the suite repeats is done once:
 * - the declaration files every run reads (TypeScript's lib, @types/node, dist/ of this package, ws,
 *   ioredis...) are parsed and bound once per set of compiler options, and kept while their bytes
 *   stay the same;
 * - with skipLibCheck false, those declaration files are type-checked once per set of compiler
 *   options and set of declaration files (each file's bytes in the key): a later program with the
 *   same declaration files gets their diagnostics from that check. The files a run names (its
 *   include, its files) are always checked. This holds only where nothing the run names can change
 *   how a declaration file checks: when one of them is a script (not a module), or declares a global
 *   or an ambient module, everything is checked as tsc would.
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

const hashOf = (text) => createHash('sha256').update(text).digest('hex');

/** Declarations merged into the global scope or into another module: they can change how other files check. */
const REACHES_OUT = /\bdeclare\s+(global\b|module\s*['"])/;

export function createChecker() {
  /** optionsKey -> fileName -> { text, sourceFile } (declaration files only). */
  const parsed = new Map();
  /** sha256 of (optionsKey, every declaration file and its bytes) -> fileName -> { syntactic, semantic }. */
  const libChecks = new Map();
  const textHash = new WeakMap();
  const stats = { runs: 0, libHits: 0, libMisses: 0, fullChecks: 0 };

  function hostFor(options, cwd) {
    const key = optionsKey(options);
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
    const own = sourceFiles.filter((sf) => !isLib(sf));
    const cacheable = own.every((sf) => !sf.isDeclarationFile && ts.isExternalModule(sf) && !REACHES_OUT.test(sf.text));
    let libs;
    if (cacheable) {
      const key = hashOf(
        JSON.stringify([
          optionsKey(options),
          sourceFiles.filter(isLib).map((sf) => {
            let h = textHash.get(sf);
            if (h === undefined) textHash.set(sf, (h = hashOf(sf.text)));
            return [path.resolve(sf.fileName), h];
          }),
        ]),
      );
      libs = libChecks.get(key);
      if (libs === undefined) {
        stats.libMisses++;
        libs = { key, files: undefined };
      } else stats.libHits++;
    } else stats.fullChecks++;
    const cachedLibs = libs?.files;
    const checked = new Map();
    const fileDiagnostics = (sf, kind) => {
      if (cachedLibs !== undefined && isLib(sf)) return cachedLibs.get(sf.fileName)[kind];
      const found = kind === 'syntactic' ? program.getSyntacticDiagnostics(sf) : program.getSemanticDiagnostics(sf);
      if (isLib(sf)) {
        const entry = checked.get(sf.fileName) ?? {};
        entry[kind] = found;
        checked.set(sf.fileName, entry);
      }
      return found;
    };
    for (const sf of sourceFiles) all.push(...fileDiagnostics(sf, 'syntactic'));
    let semanticDone = false;
    if (all.length === before) {
      all.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
      if (all.length === before) {
        for (const sf of sourceFiles) all.push(...fileDiagnostics(sf, 'semantic'));
        semanticDone = true;
      }
      if (options.noEmit && (options.declaration || options.composite) && all.length === before) all.push(...program.getDeclarationDiagnostics());
    }
    // A check's answers are kept only once every declaration file's syntax and semantics are known.
    if (libs !== undefined && cachedLibs === undefined && semanticDone) {
      libs.files = checked;
      libChecks.set(libs.key, libs);
    }
    if (process.env.CHANX_GEN_TSC_DEBUG === '1')
      process.stderr.write(
        `tsc ${args.join(' ')}: ${libs === undefined ? 'everything checked' : cachedLibs === undefined ? `declaration files checked (${libs.key.slice(0, 8)})` : `declaration files known (${libs.key.slice(0, 8)})`}, options ${hashOf(optionsKey(options)).slice(0, 6)}, ${sourceFiles.filter(isLib).length} of ${sourceFiles.length} files declarations, ${Math.round(performance.now() - started)} ms\n`,
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
