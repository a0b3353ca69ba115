/**
 * The default loader: the same checks and the same DocumentView as @asyncapi/parser gives, without
 * loading it. Files are read once, `$ref`s resolved in place, the document checked against the
 * AsyncAPI JSON Schema with validators compiled at build time, examples checked against payloads.
 * (`--verbose` uses the parser instead, for its style warnings; tests hold both to the same model.)
 */
import path from 'node:path';
import { InputError, type Diagnostic } from './diagnostics.js';
import { dereference } from './dereference.js';
import type { DocumentView } from './document-view.js';
import { viewFromRaw } from './from-raw.js';
import { checkVersion, hashInputs } from './load-document.js';
import { readSourceTree, type SourceFile } from './source-files.js';
import { validateDocument } from './validate-document.js';

export interface LeanDocument {
  view: DocumentView;
  files: SourceFile[];
  inputHash: string;
  warnings: Diagnostic[];
}

export function loadLean(specPath: string, cwd: string): LeanDocument {
  const files = readSourceTree(path.resolve(cwd, specPath), cwd);
  const spec = files[0]!;
  checkVersion(spec);
  const inputHash = hashInputs(files);
  const { root, problems } = dereference(files);
  if (problems.length > 0) throw new InputError(problems);
  const checked = validateDocument(root, spec);
  const errors = checked.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new InputError(errors);
  return { view: viewFromRaw(root), files, inputHash, warnings: checked.filter((d) => d.severity === 'warning') };
}
