/**
 * load: spec path -> validated, dereferenced AsyncAPI document (via @asyncapi/parser), plus the list
 * of input files and a hash of their content. Every problem is an InputError with locations.
 */
import path from 'node:path';
import type { AsyncAPIDocumentInterface, Diagnostic as ParserDiagnostic } from '@asyncapi/parser';
import { CHANX_DISCRIMINATOR_NOTE, isChanxDiscriminatorAt } from './chanx-discriminator.js';
import { InputError, type Diagnostic } from './diagnostics.js';
import { canonicalJson, sha256 } from './canonical-hash.js';
import { displayPath } from './display-path.js';
import { readSourceTree, type SourceFile } from './source-files.js';

export interface LoadedDocument {
  document: AsyncAPIDocumentInterface;
  /** The spec first, then referenced files in the order they were found. */
  files: SourceFile[];
  /** Hash of the canonical content of every input, named by its path relative to the spec's folder. */
  inputHash: string;
  warnings: Diagnostic[];
}

export interface LoadOptions {
  /** Also run the parser's recommended (style) rules, which only ever warn. Off by default: they cost time. */
  styleWarnings?: boolean;
}

export async function loadDocument(specPath: string, cwd: string, options: LoadOptions = {}): Promise<LoadedDocument> {
  const absPath = path.resolve(cwd, specPath);
  const files = readSourceTree(absPath, cwd);
  const spec = files[0]!;
  checkVersion(spec);

  const parser = await parserFor(options.styleWarnings === true);
  // The parser withholds the document on any error; we want it, to judge each error ourselves.
  const { document, diagnostics } = await parser.parse(spec.text, { source: absPath, validateOptions: { allowedSeverity: { error: true } } });
  const byPath = new Map(files.map((f) => [f.absPath, f]));
  const located = tolerateChanxDiscriminators(diagnostics, spec.data).map((d) => toDiagnostic(d, spec, byPath, cwd));
  const errors = located.filter((d) => d.severity === 'error');
  if (errors.length > 0 || document === undefined) {
    throw new InputError(errors.length > 0 ? errors : [{ severity: 'error', file: spec.displayPath, line: 0, column: 0, message: 'the AsyncAPI parser rejected the document' }]);
  }

  return { document, files, inputHash: hashInputs(files), warnings: located.filter((d) => d.severity === 'warning') };
}

/** Throws unless `spec` is an AsyncAPI document of a version chanx-gen reads (2.0-2.6, 3.0-3.1). */
export function checkVersion(spec: SourceFile): void {
  const version = (spec.data as { asyncapi?: unknown } | null)?.asyncapi;
  if (spec.data === null || typeof spec.data !== 'object' || Array.isArray(spec.data) || typeof version !== 'string') {
    throw new InputError([{ severity: 'error', file: spec.displayPath, line: 1, column: 1, message: 'not an AsyncAPI document: it has no top-level `asyncapi` version field' }]);
  }
  if (!/^(2\.[0-6]|3\.[01])\.\d+$/.test(version)) {
    const where = spec.locate(['asyncapi']);
    throw new InputError([{ severity: 'error', file: spec.displayPath, ...where, message: `AsyncAPI ${version} is not supported (chanx-gen reads 2.0-2.6 and 3.0-3.1)` }]);
  }
}

/** sha256 over the canonical content of the spec (first) and every file it references, by path relative to the spec. */
export function hashInputs(files: readonly SourceFile[]): string {
  const specDir = path.dirname(files[0]!.absPath);
  const hashInput = files
    .map((f) => `${path.relative(specDir, f.absPath).split(path.sep).join('/')}\n${canonicalJson(f.data)}`)
    .sort()
    .join('\n');
  return sha256(hashInput);
}

// One parser per process and ruleset: building one (Spectral and its rules) costs ~80 ms, and a
// reused one keeps what it compiled, which makes every regeneration in --watch cheaper. Its
// resolver must not cache files: --watch re-reads a referenced file that changed.
const parsers = new Map<boolean, Promise<Parser>>();
type Parser = import('@asyncapi/parser').Parser;

function parserFor(style: boolean): Promise<Parser> {
  let parser = parsers.get(style);
  if (parser === undefined) {
    parser = import('@asyncapi/parser').then(({ Parser }) => new Parser({ ruleset: { recommended: style }, __unstable: { resolver: { cache: false } } }));
    parsers.set(style, parser);
  }
  return parser;
}

function toDiagnostic(d: ParserDiagnostic, spec: SourceFile, files: Map<string, SourceFile>, cwd: string): Diagnostic {
  const source = d.source !== undefined && d.source !== '' ? path.resolve(cwd, d.source) : spec.absPath;
  const file = files.get(source)?.displayPath ?? displayPath(source, cwd);
  const at = d.path.length > 0 ? ` (at ${d.path.join('.')})` : '';
  return {
    severity: d.severity === 0 ? 'error' : 'warning',
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    message: `${d.message}${at}`,
  };
}

/** The Chanx discriminator complaint, and the "must match else schema" errors it causes around it, become warnings. */
function tolerateChanxDiscriminators(diagnostics: ParserDiagnostic[], data: unknown): ParserDiagnostic[] {
  const tolerated = diagnostics.filter((d) => d.severity === 0 && isChanxDiscriminatorAt(data, d.path)).map((d) => d.path.join('\u0000'));
  if (tolerated.length === 0) return diagnostics;
  return diagnostics.map((d) => {
    const at = d.path.join('\u0000');
    const own = tolerated.includes(at);
    const cascade = / must match "(else|then)" schema$/.test(d.message) && tolerated.some((t) => t.startsWith(at));
    return own || cascade ? { ...d, severity: 1, message: own ? `${d.message}${CHANX_DISCRIMINATOR_NOTE}` : d.message } : d;
  });
}
