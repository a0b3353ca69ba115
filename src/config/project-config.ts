/**
 * The project's configuration, the way sqlc.yaml and buf.gen.yaml work: `chanx-gen.config.json`, or a
 * `chanx-gen` field in package.json, names every document to generate with its output folder and
 * options, so that `chanx-gen` and `chanx-gen --check` need no arguments in a user's project and CI.
 *
 * ```json
 * { "documents": [{ "spec": "asyncapi.yaml", "out": "generated", "discriminator": "action" }] }
 * ```
 * Paths are relative to the folder holding the configuration. It is looked for in the working
 * directory, then in each parent up to the first folder with a package.json (the project's root).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, jsonSyntaxError, type Diagnostic } from '../load/diagnostics.js';
import { displayPath } from '../load/display-path.js';
import { readSourceFile, type SourceFile } from '../load/source-files.js';

export const CONFIG_FILE = 'chanx-gen.config.json';
export const PACKAGE_FIELD = 'chanx-gen';

export interface DocumentConfig {
  /** Relative to the configuration's folder, as written. */
  spec: string;
  out: string;
  discriminator?: string;
}

export interface ProjectConfig {
  /** Where the configuration was found, as shown to people (`chanx-gen.config.json`, `package.json`). */
  source: string;
  /** The folder paths in it are relative to (absolute): generation runs there. */
  dir: string;
  documents: DocumentConfig[];
}

const DOCUMENT_KEYS = ['spec', 'out', 'discriminator'];
const ROOT_KEYS = ['$schema', 'documents'];

/**
 * The configuration that applies in `cwd`, or undefined when there is none; InputError with every
 * problem located (`chanx-gen.config.json:4:7: error: ...`) when there is one and it is wrong.
 */
export function findProjectConfig(cwd: string): ProjectConfig | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, CONFIG_FILE);
    const pkg = path.join(dir, 'package.json');
    const hasFile = existsSync(file);
    const pkgField = existsSync(pkg) ? packageField(pkg, cwd) : undefined;
    if (hasFile && pkgField !== undefined) {
      throw new InputError([
        {
          severity: 'error',
          file: pkgField.file.displayPath,
          ...pkgField.file.locate([PACKAGE_FIELD]),
          message: `chanx-gen is configured both here and in ${displayPath(file, cwd)}; keep one`,
        },
      ]);
    }
    if (hasFile) return readConfig(strictJson(readSourceFile(file, cwd)), [], dir);
    if (pkgField !== undefined) return readConfig(pkgField.file, [PACKAGE_FIELD], dir);
    if (existsSync(pkg) || path.dirname(dir) === dir) return undefined;
  }
}

function packageField(pkg: string, cwd: string): { file: SourceFile } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(pkg, 'utf8'));
  } catch {
    return undefined; // not ours to judge; npm will say what is wrong with it
  }
  if (data === null || typeof data !== 'object' || !(PACKAGE_FIELD in data)) return undefined;
  return { file: readSourceFile(pkg, cwd) };
}

/** readSourceFile accepts YAML too; a .json file must be JSON. */
function strictJson(file: SourceFile): SourceFile {
  try {
    JSON.parse(file.text);
    return file;
  } catch (err) {
    throw jsonSyntaxError(file.displayPath, file.text, err);
  }
}

function readConfig(file: SourceFile, prefix: (string | number)[], dir: string): ProjectConfig {
  const problems: Diagnostic[] = [];
  const problem = (at: (string | number)[], message: string): void => {
    problems.push({ severity: 'error', file: file.displayPath, ...file.locate([...prefix, ...at]), message });
  };
  const root = prefix.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], file.data);
  const documents: DocumentConfig[] = [];
  if (!isObject(root)) problem([], 'the configuration must be an object: { "documents": [{ "spec": "asyncapi.yaml", "out": "generated" }] }');
  else {
    for (const key of Object.keys(root)) if (!ROOT_KEYS.includes(key)) problem([key], `unknown key '${key}' (known: ${ROOT_KEYS.join(', ')})`);
    const list = root['documents'];
    if (!Array.isArray(list) || list.length === 0)
      problem(list === undefined ? [] : ['documents'], '\'documents\' must be a list of at least one { "spec": ..., "out": ... }');
    else {
      const outs = new Map<string, number>();
      list.forEach((entry: unknown, i) => {
        const at = ['documents', i];
        const doc = documentConfig(entry, (where, message) => problem([...at, ...where], message));
        if (doc === undefined) return;
        if (!existsSync(path.resolve(dir, doc.spec)) || statSync(path.resolve(dir, doc.spec)).isDirectory())
          problem([...at, 'spec'], `spec '${doc.spec}': no such file`);
        const out = path.resolve(dir, doc.out);
        const earlier = outs.get(out);
        if (earlier !== undefined) problem([...at, 'out'], `documents[${earlier}] already writes to '${doc.out}'; give each document its own output folder`);
        outs.set(out, i);
        documents.push(doc);
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems.sort((a, b) => a.line - b.line || a.column - b.column));
  return { source: prefix.length === 0 ? file.displayPath : `${file.displayPath} ("${PACKAGE_FIELD}")`, dir, documents: documents };
}

function documentConfig(entry: unknown, problem: (at: string[], message: string) => void): DocumentConfig | undefined {
  if (!isObject(entry)) {
    problem([], 'each document must be an object: { "spec": "asyncapi.yaml", "out": "generated" }');
    return undefined;
  }
  let ok = true;
  const fail = (at: string[], message: string): void => {
    ok = false;
    problem(at, message);
  };
  for (const key of Object.keys(entry)) if (!DOCUMENT_KEYS.includes(key)) problem([key], `unknown key '${key}' (known: ${DOCUMENT_KEYS.join(', ')})`);
  const { spec, out, discriminator } = entry;
  if (typeof spec !== 'string' || spec === '') fail(spec === undefined ? [] : ['spec'], "'spec' must name the AsyncAPI document (a path)");
  if (out !== undefined && (typeof out !== 'string' || out === '')) fail(['out'], "'out' must name the output folder (a path)");
  if (discriminator !== undefined && (typeof discriminator !== 'string' || !/^\S+$/.test(discriminator)))
    fail(['discriminator'], "'discriminator' must be a field name");
  if (!ok) return undefined;
  return {
    spec: spec as string,
    out: (out as string | undefined) ?? 'generated',
    ...(discriminator !== undefined ? { discriminator: discriminator as string } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
