/**
 * generated/documents.ts: the bundled document as JSON text, for the server to serve (the server
 * makes the YAML from it when first asked: documentYaml in src/runtime/server/http.ts).
 */
import type { SourceFile } from '../load/source-files.js';
import type { ApiModel } from '../model/types.js';
import { bundleDocument } from './documents-bundle.js';
import type { GeneratedFile } from './generated-file.js';
import { header } from './header.js';

export function documentsFile(model: ApiModel, sources: readonly SourceFile[]): GeneratedFile {
  const bundled = bundleDocument(sources);
  const json = `${JSON.stringify(bundled, null, 2)}\n`;
  const literal = (text: string): string =>
    JSON.stringify(text)
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
  const content = `${header(model)}
/** The AsyncAPI document this code was generated from, with references to other files inlined: GET /asyncapi.json (and /asyncapi.yaml). */
export const asyncapiJson = ${literal(json)};
`;
  return { kind: 'generated', path: 'documents.ts', content };
}
