/**
 * The parser's verdict on unchanged inputs, kept beside the `--check` note
 * (node_modules/.cache/chanx-gen-verdicts, one entry per working directory and spec): what loading
 * gave (the document view, the data of every input, the warnings, the inputs hash) for documents the
 * parser accepted, so that running again on the same bytes loads neither the parser nor Spectral.
 *
 * An entry answers only when everything its verdict depends on is what it was: the bytes of the spec
 * and of every file it references, the state of every referenced path that was not read (missing or
 * a folder), the working directory and spec path (they name files in messages), the generator's own
 * build (its fingerprint: code, templates, precompiled validators), the installed parser and its
 * dependencies (the hidden lockfile npm keeps in node_modules; without one, nothing is kept) and the
 * Node.js version. Refusals are never kept: they are reported by the parser itself, every time.
 * Anything that cannot be read, decoded or trusted is a miss: slower, never different.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cacheRoot } from '../cache-root.js';
import { ownFingerprint } from '../write/generator-fingerprint.js';
import type { Diagnostic } from './diagnostics.js';
import type { DocumentView } from './document-view.js';
import { decodeGraph, encodeGraph, type EncodedGraph, type OrderedObjects } from './graph-codec.js';
import type { LoadedView } from './loaded-view.js';
import { knownSourceFile, positionsOf, readInputText, unreadReferences, type Positions } from './source-files.js';

const FORMAT = 2;
/** channels.<key>.messages.<key> and a level more (2.x: channels.<address>.subscribe.message.<field>). */
const POSITION_DEPTH = 5;

interface Entry {
  format: number;
  /** Everything besides the inputs that the verdict depends on. */
  key: string;
  /** Each input, and where `locate` finds its nodes down to POSITION_DEPTH (warnings after a kept verdict need no parse). */
  inputs: { absPath: string; displayPath: string; sha: string; positions: Positions }[];
  /** Referenced paths that were not read, and what each was: 'none', 'folder' or 'other'. */
  unread: Record<string, string>;
  /** { view, data (of each input, in order), warnings, inputHash }. */
  graph: EncodedGraph;
}

interface Kept {
  view: DocumentView;
  data: unknown[];
  warnings: Diagnostic[];
  inputHash: string;
}

const require = createRequire(import.meta.url);
const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** The hidden lockfile of the node_modules the parser is installed in (npm rewrites it on every change there). */
function parserInstall(): string | undefined {
  const main = require.resolve('@asyncapi/parser');
  const at = main.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (at < 0) return undefined;
  const lock = path.join(main.slice(0, at), 'node_modules', '.package-lock.json');
  return existsSync(lock) ? sha(readFileSync(lock)) : undefined;
}

/** The ordered-object wrapper of the YAML reader the parser uses (the same module instance). */
function orderedObjects(): OrderedObjects {
  const fromParser = createRequire(require.resolve('@asyncapi/parser'));
  const fromParsers = createRequire(fromParser.resolve('@stoplight/spectral-parsers'));
  const fromYaml = createRequire(fromParsers.resolve('@stoplight/yaml'));
  return fromYaml('@stoplight/ordered-object-literal') as OrderedObjects;
}

function place(spec: string, cwd: string): { file: string; key: string } | undefined {
  const root = cacheRoot(cwd, 'chanx-gen-verdicts');
  const install = root === undefined ? undefined : parserInstall();
  if (root === undefined || install === undefined) return undefined;
  const absSpec = path.resolve(cwd, spec);
  return {
    file: path.join(root, `${sha(`${cwd}\0${absSpec}`)}.json`),
    key: JSON.stringify({ cwd, spec: absSpec, generator: ownFingerprint(), install, node: process.version }),
  };
}

function pathState(abs: string): string {
  try {
    const stat = statSync(abs);
    return stat.isDirectory() ? 'folder' : 'other';
  } catch {
    return 'none';
  }
}

/** What loading gave for these very inputs before; undefined on any doubt. */
export function recallVerdict(spec: string, cwd: string): LoadedView | undefined {
  try {
    const where = place(spec, cwd);
    if (where === undefined || !existsSync(where.file)) return undefined;
    const entry = JSON.parse(readFileSync(where.file, 'utf8')) as Entry;
    if (entry.format !== FORMAT || entry.key !== where.key || entry.inputs[0]?.absPath !== path.resolve(cwd, spec)) return undefined;
    const texts: string[] = [];
    for (const input of entry.inputs) {
      const text = readInputText(input.absPath);
      if (typeof text !== 'string' || sha(text) !== input.sha) return undefined;
      texts.push(text);
    }
    for (const [abs, state] of Object.entries(entry.unread)) if (pathState(abs) !== state) return undefined;
    const kept = decodeGraph(entry.graph, orderedObjects()) as Kept;
    const files = entry.inputs.map((input, i) => knownSourceFile(input.absPath, input.displayPath, texts[i]!, kept.data[i], input.positions));
    return { view: kept.view, files, inputHash: kept.inputHash, warnings: kept.warnings };
  } catch {
    return undefined;
  }
}

/** Keeps what loading gave (call it right after loading, before anything changes the view). */
export function rememberVerdict(spec: string, cwd: string, loaded: LoadedView): void {
  try {
    const where = place(spec, cwd);
    if (where === undefined) return;
    const kept: Kept = { view: loaded.view, data: loaded.files.map((f) => f.data), warnings: loaded.warnings, inputHash: loaded.inputHash };
    const entry: Entry = {
      format: FORMAT,
      key: where.key,
      inputs: loaded.files.map((f) => ({ absPath: f.absPath, displayPath: f.displayPath, sha: sha(f.text), positions: positionsOf(f, POSITION_DEPTH) ?? {} })),
      unread: Object.fromEntries(unreadReferences(loaded.files).map((abs) => [abs, pathState(abs)])),
      graph: encodeGraph(kept, orderedObjects()),
    };
    mkdirSync(path.dirname(where.file), { recursive: true });
    const temp = `${where.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, where.file); // whole or not at all, whoever else writes it
  } catch {
    // a verdict that cannot be kept (graph-codec's Uncacheable, a read-only folder) is only slower next time
  }
}
