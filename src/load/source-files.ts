/**
 * Reading the spec and every local file it references, for three things: the list of inputs
 * (--watch, the inputs hash), positions (`file:line:col` for problems found after loading), and the
 * refusals that must come before @asyncapi/parser runs (a missing file, a folder, a device, a file
 * too large, a remote `$ref`): the parser's resolver would hang on /dev/zero or fetch over the
 * network. Text is read with the parser's own YAML reader (@stoplight/spectral-parsers, the one its
 * Spectral Document calls), so our positions and data are the parser's; whether the text is acceptable
 * YAML is the parser's verdict, never ours.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { InputError, type Diagnostic } from './diagnostics.js';
import { displayPath } from './display-path.js';
import { referenceLoops } from './ref-loops.js';
import { walkData } from './walk-data.js';
import type { SourceFile } from './source-file.js';

export type { SourceFile } from './source-file.js';

/** Larger inputs are refused before anything parses them. */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/** A node of the YAML AST (yaml-ast-parser, as @stoplight/yaml gives it). */
interface AstNode {
  kind: number;
  startPosition: number;
  key?: AstNode;
  value?: AstNode | null;
  mappings?: (AstNode | null)[];
  items?: (AstNode | null)[];
}
const KIND = { MAP: 2, SEQ: 3, ANCHOR_REF: 4 } as const;
interface ParserResult {
  data: unknown;
  ast?: AstNode;
  lineMap: number[];
}
interface Reader {
  /** What a Spectral Document (which @asyncapi/parser reads the spec into) holds as its parserResult: the same call. */
  Yaml: { parse(input: string): ParserResult };
  lineForPosition: (pos: number, lines: number[]) => number;
}

let reader: Reader | undefined;
/** A parse of a text read here, given to the parser's reading of the very same text (withOurParse). */
let handed: { text: string; result: ParserResult } | undefined;

function parserYaml(): Reader {
  if (reader === undefined) {
    // spectral-parsers alone, not spectral-core: a position asked for after a kept verdict
    // (verdict-cache.ts) must not load all of Spectral.
    const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
    const fromParsers = createRequire(fromParser.resolve('@stoplight/spectral-parsers'));
    const Yaml = (fromParser('@stoplight/spectral-parsers') as Pick<Reader, 'Yaml'>).Yaml;
    const parse = Yaml.parse;
    Yaml.parse = (input) => (handed !== undefined && handed.text === input ? handed.result : parse(input));
    reader = { Yaml: { parse }, lineForPosition: (fromParsers('@stoplight/yaml') as Pick<Reader, 'lineForPosition'>).lineForPosition };
  }
  return reader;
}

/**
 * Runs `read` (a call of the parser on `file`'s text) with the parse made here standing in for the
 * one the parser's Spectral Document would make of the same text with the same call: the spec is
 * parsed once, not twice (OKX: 80-120 ms). Only for the synchronous part of the call, in which the
 * parser builds that Document; should it ever come later, the parser parses the text itself.
 */
export function withOurParse<T>(file: SourceFile, read: () => T): T {
  const result = parsedResults.get(file);
  if (result === undefined) return read();
  handed = { text: file.text, result };
  try {
    return read();
  } finally {
    handed = undefined;
  }
}

/** Offset of the deepest node on the path: a key's position where the path names a key (it reads best). */
function offsetOf(ast: AstNode | undefined, segments: readonly (string | number)[]): number {
  let node = ast;
  let offset = ast?.startPosition ?? 0;
  for (const seg of segments) {
    for (let hops = 0; node?.kind === KIND.ANCHOR_REF && hops < 100; hops++) node = node.value ?? undefined;
    if (node?.kind === KIND.MAP) {
      const pair = [...(node.mappings ?? [])].reverse().find((m) => m?.key !== undefined && String((m.key as { value?: unknown }).value) === String(seg));
      if (pair?.key === undefined) break;
      offset = pair.key.startPosition;
      node = pair.value ?? undefined;
    } else if (node?.kind === KIND.SEQ) {
      const item = node.items?.[Number(seg)];
      if (item === undefined || item === null) break;
      offset = item.startPosition;
      node = item;
    } else break;
  }
  return offset;
}

/** The text of a regular file, or why it cannot be an input. Never blocks on a device or a pipe. */
export function readInputText(absPath: string): string | { why: string } {
  let fd: number;
  try {
    // Looked at before it is opened: opening a FIFO blocks until someone writes to it.
    const stat = statSync(absPath);
    if (stat.isDirectory()) return { why: 'is a folder, not a file' };
    if (!stat.isFile()) return { why: 'is not a regular file (a device, a pipe or a socket)' };
    fd = openSync(absPath, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { why: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${code ?? String(err)})` };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { why: 'is a folder, not a file' };
    if (!stat.isFile()) return { why: 'is not a regular file (a device, a pipe or a socket)' };
    if (stat.size > MAX_INPUT_BYTES)
      return {
        // In bytes: a size in MiB rounds to the limit itself for a file just over it.
        why: `is ${stat.size.toLocaleString('en-US')} bytes; chanx-gen reads inputs of up to ${MAX_INPUT_BYTES / 1024 / 1024} MiB (${MAX_INPUT_BYTES.toLocaleString('en-US')} bytes)`,
      };
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } catch (err) {
    return { why: `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  } finally {
    closeSync(fd);
  }
}

/** Reads one YAML or JSON file as the parser reads it; throws InputError only when it cannot be read at all. */
export function readSourceFile(absPath: string, cwd: string): SourceFile {
  const shown = displayPath(absPath, cwd);
  const text = readInputText(absPath);
  if (typeof text !== 'string') throw new InputError([{ severity: 'error', file: shown, line: 0, column: 0, message: text.why }]);
  return parseSourceText(absPath, shown, text);
}

/** Positions by path (segments as strings, JSON-encoded), as `locate` gives them. */
export type Positions = Record<string, [line: number, column: number]>;

/**
 * A file whose data was read before (the verdict cache): `locate` answers from `positions` when it
 * holds the very path asked for, and parses the text again for anything else.
 */
export function knownSourceFile(absPath: string, shown: string, text: string, data: unknown, positions: Positions = {}): SourceFile {
  let parsed: SourceFile | undefined;
  const locate = (segments: readonly (string | number)[]) => {
    const key = JSON.stringify(segments.map(String));
    if (Object.hasOwn(positions, key)) return { line: positions[key]![0], column: positions[key]![1] };
    parsed ??= parseSourceText(absPath, shown, text);
    return parsed.locate(segments);
  };
  return { absPath, displayPath: shown, text, data, locate };
}

/** What each file read here was parsed into, for positionsOf. */
const parsedResults = new WeakMap<SourceFile, ParserResult>();

/**
 * The position `locate` gives for every node down to `depth` segments (the ones warnings point at:
 * a channel, its messages, their fields), found by the same walk as offsetOf. Undefined for a file
 * not parsed here.
 */
export function positionsOf(file: SourceFile, depth: number): Positions | undefined {
  const result = parsedResults.get(file);
  if (result === undefined) return undefined;
  const positions: Positions = {};
  const walk = (start: AstNode | null | undefined, at: string[]): void => {
    let node = start ?? undefined;
    for (let hops = 0; node?.kind === KIND.ANCHOR_REF && hops < 100; hops++) node = node.value ?? undefined;
    const children = new Map<string, [offset: number, node: AstNode | null | undefined]>();
    if (node?.kind === KIND.MAP) {
      // offsetOf takes the last of duplicate keys: so does this, before going down.
      for (const m of node.mappings ?? []) if (m?.key !== undefined) children.set(String((m.key as { value?: unknown }).value), [m.key.startPosition, m.value]);
    } else if (node?.kind === KIND.SEQ) {
      (node.items ?? []).forEach((item, i) => {
        if (item !== null && item !== undefined) children.set(String(i), [item.startPosition, item]);
      });
    }
    for (const [key, [offset, child]] of children) {
      const path = [...at, key];
      positions[JSON.stringify(path)] = position(offset, result.lineMap);
      if (path.length < depth) walk(child, path);
    }
  };
  positions['[]'] = position(result.ast?.startPosition ?? 0, result.lineMap);
  walk(result.ast, []);
  return positions;
}

function position(offset: number, lineMap: number[]): [number, number] {
  const line = parserYaml().lineForPosition(offset, lineMap);
  return [line + 1, offset - (line === 0 ? 0 : lineMap[line - 1]!) + 1];
}

function parseSourceText(absPath: string, shown: string, text: string): SourceFile {
  let result: ParserResult;
  try {
    result = parserYaml().Yaml.parse(text);
  } catch (err) {
    // The YAML reader recurses: a document nested thousands deep overflows it (and the parser).
    const why =
      err instanceof RangeError ? 'nested too deeply to read' : `cannot be read as YAML or JSON (${err instanceof Error ? err.message : String(err)})`;
    throw new InputError([{ severity: 'error', file: shown, line: 1, column: 1, message: why }]);
  }
  const { data, ast, lineMap } = result;
  const locate = (segments: readonly (string | number)[]) => {
    const [line, column] = position(offsetOf(ast, segments), lineMap);
    return { line, column };
  };
  const file: SourceFile = { absPath, displayPath: shown, text, data, locate };
  parsedResults.set(file, result);
  return file;
}

/**
 * The spec plus every local file it references through `$ref`, transitively, in a stable order.
 * Refuses, with the place of the `$ref`, what the parser must not be given: devices, oversized or
 * unreadable files, loops of references, and references to the network. (A missing file or a
 * folder is left to the parser, which reports it in its own words.)
 */
export function readSourceTree(specAbsPath: string, cwd: string): SourceFile[] {
  const files = new Map<string, SourceFile>();
  const problems: Diagnostic[] = [];
  const visit = (absPath: string): void => {
    if (files.has(absPath)) return;
    const file = readSourceFile(absPath, cwd);
    files.set(absPath, file);
    for (const ref of externalRefs(file.data)) {
      const next = refTarget(absPath, ref.value);
      const where = file.locate(ref.at);
      if (next === undefined) {
        problems.push({
          severity: 'error',
          file: file.displayPath,
          ...where,
          message: `$ref '${ref.value}' points to a remote document; chanx-gen never fetches over the network: save it next to the spec and refer to it by a relative path`,
        });
        continue;
      }
      // A file that is not there, or a folder: the parser's resolver says so in its own words.
      if (!existsSync(next) || statSync(next).isDirectory()) continue;
      try {
        visit(next);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        const unreadable = err.diagnostics.length === 1 && err.diagnostics[0]!.file === displayPath(next, cwd);
        if (unreadable)
          problems.push({
            severity: 'error',
            file: file.displayPath,
            ...where,
            message: `$ref '${ref.value}' cannot be resolved: ${displayPath(next, cwd)}: ${err.diagnostics[0]!.message}`,
          });
        else problems.push(...err.diagnostics);
      }
    }
  };
  visit(specAbsPath);
  if (problems.length === 0) problems.push(...referenceLoops([...files.values()]));
  if (problems.length > 0) throw new InputError(problems);
  return [...files.values()];
}

/**
 * What the parser's resolver (urijs, under @stoplight/json-ref-resolver) drops from a reference
 * before it reads it: whitespace and control characters in front, tabs and line breaks anywhere.
 * `" http://host/a.yaml"` is a remote reference to it, which it fetches.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: urijs's own expression; the control characters are what it drops
const LEADING_BLANKS = /^[\x00-\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/;
const TABS_AND_BREAKS = /[\t\n\r]+/g;

/** The local file a `$ref` written in `absPath` points to, read as the parser reads it; undefined for a remote one. */
function refTarget(absPath: string, value: string): string | undefined {
  const [target] = value.replace(LEADING_BLANKS, '').replace(TABS_AND_BREAKS, '').split('#');
  if (/^[a-z][a-z0-9+.-]*:/i.test(target ?? '')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(target ?? '');
  } catch {
    decoded = target ?? '';
  }
  return path.resolve(path.dirname(absPath), decoded);
}

/**
 * The local files the inputs refer to that were not read (missing, or folders): readSourceTree
 * left them to the parser. A verdict holds only while each is still what it was.
 */
export function unreadReferences(files: readonly SourceFile[]): string[] {
  const read = new Set(files.map((f) => f.absPath));
  const targets = files.flatMap((f) => externalRefs(f.data).map((ref) => refTarget(f.absPath, ref.value)));
  return [...new Set(targets.filter((t): t is string => t !== undefined && !read.has(t)))].sort();
}

interface RefSite {
  value: string;
  at: (string | number)[];
}

/** Each file's references, found once per data (reading the tree finds them, keeping the verdict asks again). */
const refsOf = new WeakMap<object, RefSite[]>();

function externalRefs(data: unknown): RefSite[] {
  if (data === null || typeof data !== 'object') return []; // a document that is one scalar refers to nothing
  const kept = refsOf.get(data);
  if (kept !== undefined) return kept;
  const out: RefSite[] = [];
  walkData(data, {
    key(key, parent, at) {
      const value = parent[key];
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) out.push({ value, at: [...at, key] });
      return undefined;
    },
  });
  refsOf.set(data, out);
  return out;
}
