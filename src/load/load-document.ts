/**
 * load: spec path -> the AsyncAPI document as @asyncapi/parser reads, resolves and checks it, plus
 * the list of input files and a hash of their content. Every problem is an InputError with locations.
 *
 * The parser runs every rule of its core rulesets itself (YAML reading, `$ref` resolution, 2.x and
 * 3.x rules, its messages). Only its two document-structure rules are served by validators compiled
 * at build time (precompiled-structure.ts): compiling the AsyncAPI meta-schema was most of what a
 * parse cost. Safety net: should those validators refuse a document that the parser's own rules
 * accept, the parser's verdict stands, with a warning.
 */
import path from 'node:path';
import type { AsyncAPIDocumentInterface, Diagnostic as ParserDiagnostic } from '@asyncapi/parser';
import { CHANX_DISCRIMINATOR_NOTE, isChanxDiscriminatorAt } from './chanx-discriminator.js';
import { InputError, type Diagnostic } from './diagnostics.js';
import { canonicalJson, sha256 } from './canonical-hash.js';
import { displayPath } from './display-path.js';
import { precompiledStructureRules, STRUCTURE_RULES } from './precompiled-structure.js';
import { readSourceTree, withOurParse, type SourceFile } from './source-files.js';
import { lazyRulesetFunctions } from './lazy-ruleset-functions.js';
import { lazySpecSchemas } from './lazy-specs.js';
import { lazyNodeFetch } from './lazy-node-fetch.js';
import { nativeAggregateError } from './native-aggregate-error.js';
import { useSchemaFormats } from './schema-formats.js';
import { withTrustedRuleset } from './trusted-ruleset.js';
import { explainUncaught } from './uncaught.js';

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
  /** Run the parser exactly as shipped (its own compilation of the meta-schema). */
  unmodified?: boolean;
}

export async function loadDocument(specPath: string, cwd: string, options: LoadOptions = {}): Promise<LoadedDocument> {
  const absPath = path.resolve(cwd, specPath);
  const files = readSourceTree(absPath, cwd);
  const spec = files[0]!;
  const byPath = new Map(files.map((f) => [f.absPath, f]));
  const judge = async (unmodified: boolean) => {
    const parser = await parserFor(options.styleWarnings === true, unmodified);
    const unreadable = await useSchemaFormats(parser, files); // schemaFormat: its parser, imported only when declared
    // The parser withholds the document on any error; we want it, to judge each error ourselves.
    let { document, diagnostics } = await withOurParse(spec, () =>
      parser.parse(spec.text, { source: absPath, validateOptions: { allowedSeverity: { error: true } } }),
    );
    if (diagnostics.some((d) => d.code === 'uncaught-error') && diagnostics.length === 1) {
      // Building the document after errors threw, and that replaced what the rules said: ask again
      // the way the parser is meant to be asked, which stops at the rules' errors.
      ({ document, diagnostics } = await parser.parse(spec.text, { source: absPath }));
    }
    // Info and hints (such as "the latest version of AsyncAPI is not used") are style advice: --verbose only.
    const tolerated = tolerateChanxDiscriminators(diagnostics, spec.data).filter((d) => d.severity <= 1 || options.styleWarnings === true);
    const located = tolerated.map((d) => (d.code === 'uncaught-error' ? explainUncaught(d, spec) : toDiagnostic(d, spec, byPath, cwd)));
    const errors = [...located.filter((d) => d.severity === 'error'), ...unreadable];
    const structural = tolerated.some((d) => d.severity === 0 && STRUCTURE_RULES.includes(String(d.code) as (typeof STRUCTURE_RULES)[number]));
    return { document, located, errors, structural };
  };

  let verdict = await judge(options.unmodified === true);
  const warnings: Diagnostic[] = [];
  if (verdict.structural && options.unmodified !== true && Object.keys(precompiledStructureRules()).length > 0) {
    // Safety net: a refusal by the precompiled validators is confirmed by the parser's own rules.
    const confirmed = await judge(true);
    if (confirmed.errors.length === 0 && confirmed.document !== undefined) {
      warnings.push({
        severity: 'warning',
        file: spec.displayPath,
        line: 1,
        column: 1,
        message: `chanx-gen's precompiled AsyncAPI schema check refused this document but @asyncapi/parser accepts it; generated from the parser's reading (please report this): ${verdict.errors[0]?.message ?? ''}`,
      });
      verdict = confirmed;
    }
  }
  if (verdict.errors.length > 0 || verdict.document === undefined) {
    throw new InputError(
      verdict.errors.length > 0
        ? verdict.errors
        : [{ severity: 'error', file: spec.displayPath, line: 1, column: 1, message: 'the AsyncAPI parser rejected the document' }],
    );
  }
  return {
    document: verdict.document,
    files,
    inputHash: hashInputs(files),
    warnings: [...warnings, ...verdict.located.filter((d) => d.severity === 'warning')],
  };
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

/**
 * Rules whose every finding is info or a hint, which a run without style warnings drops: off there.
 * `asyncapi-latest-version` alone costs a tenth of a small document's run: Spectral's `schema`
 * function builds an ajv instance with every draft's meta-schema to compare one string.
 */
const STYLE_ONLY = { 'asyncapi-latest-version': 'off' } as const;

// One parser per process and ruleset: building one (Spectral and its rules) costs ~80 ms, and a
// reused one keeps what it compiled, which makes every regeneration in --watch cheaper. Its
// resolver must not cache files: --watch re-reads a referenced file that changed.
const parsers = new Map<string, Promise<Parser>>();
type Parser = import('@asyncapi/parser').Parser;

/** What our parser is built with: its core ruleset (with the style rules or not), the structure rules precompiled unless `unmodified`. */
export function parserOptions(style: boolean, unmodified: boolean) {
  const rules: Record<string, unknown> = unmodified ? {} : { ...precompiledStructureRules(), ...(style ? {} : STYLE_ONLY) };
  return { ruleset: { recommended: style, ...(Object.keys(rules).length > 0 ? { rules } : {}) }, __unstable: { resolver: { cache: false } } };
}

function parserFor(style: boolean, unmodified: boolean): Promise<Parser> {
  const key = `${style}/${unmodified}`;
  let parser = parsers.get(key);
  if (parser === undefined) {
    lazySpecSchemas(); // (these three before anything loads the parser)
    nativeAggregateError();
    lazyNodeFetch();
    if (!unmodified) lazyRulesetFunctions();
    const options = parserOptions(style, unmodified);
    const trusted = !unmodified && Object.keys(precompiledStructureRules()).length > 0; // (trusted-ruleset.ts)
    parser = import('@asyncapi/parser').then(({ Parser }) => (trusted ? withTrustedRuleset(() => new Parser(options as never)) : new Parser(options as never)));
    parsers.set(key, parser);
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
