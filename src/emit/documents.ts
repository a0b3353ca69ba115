/** generated/documents.ts: the bundled document, as JSON and YAML text, for the server to serve. */
import { dump } from 'js-yaml';
import type { SourceFile } from '../load/source-files.js';
import type { ApiModel } from '../model/types.js';
import { bundleDocument } from './documents-bundle.js';
import type { GeneratedFile } from './generated-file.js';
import { header } from './header.js';

export function documentsFile(model: ApiModel, sources: readonly SourceFile[]): GeneratedFile {
  const bundled = bundleDocument(sources);
  const json = `${JSON.stringify(bundled, null, 2)}\n`;
  const yaml = documentYaml(bundled);
  const literal = (text: string): string =>
    JSON.stringify(text)
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
  const content = `${header(model)}
/** The AsyncAPI document this code was generated from, with references to other files inlined: GET /asyncapi.json. */
export const asyncapiJson = ${literal(json)};

/** The same document as YAML: GET /asyncapi.yaml. */
export const asyncapiYaml = ${literal(yaml)};
`;
  return { kind: 'generated', path: 'documents.ts', content };
}

/**
 * The document as YAML text, with js-yaml (which the parser itself depends on): it writes a large
 * document in half the time the yaml package took. Every object is written where it stands (no
 * anchors), no line is folded, and a string a YAML 1.1 reader would take for something else (`n`,
 * `yes`, a date, `<<`) is quoted, a line separator escaped.
 */
export function documentYaml(document: unknown): string {
  return dump(document, { noRefs: true, lineWidth: -1, quotingType: '"' });
}
