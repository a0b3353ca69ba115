/** generated/documents.ts: the bundled document, as JSON and YAML text, for the server to serve. */
import { stringify as toYaml } from 'yaml';
import type { SourceFile } from '../load/source-files.js';
import type { ApiModel } from '../model/types.js';
import { bundleDocument } from './documents-bundle.js';
import type { GeneratedFile } from './generated-file.js';
import { header } from './header.js';

/** Top-level keys in the order the AsyncAPI specification lists them; the rest follow, sorted. */
const TOP_LEVEL = ['asyncapi', 'id', 'info', 'servers', 'defaultContentType', 'channels', 'operations', 'components'];

/**
 * The document with its keys in one order (top level as the specification lists them, every other
 * object's keys sorted), so that, like the rest of the output, it does not depend on the order of
 * keys in the spec (the inputs hash does not either). Arrays keep their order.
 */
export function canonicalOrder(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map((v) => canonicalOrder(v, false));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => {
    const ia = top ? TOP_LEVEL.indexOf(a) : -1;
    const ib = top ? TOP_LEVEL.indexOf(b) : -1;
    if (ia !== -1 || ib !== -1) return (ia === -1 ? TOP_LEVEL.length : ia) - (ib === -1 ? TOP_LEVEL.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(keys.map((k) => [k, canonicalOrder((value as Record<string, unknown>)[k], false)]));
}

export function documentsFile(model: ApiModel, sources: readonly SourceFile[]): GeneratedFile {
  const bundled = canonicalOrder(bundleDocument(sources));
  const json = `${JSON.stringify(bundled, null, 2)}\n`;
  const yaml = toYaml(bundled, { aliasDuplicateObjects: false, lineWidth: 0 });
  const literal = (text: string): string => JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const content = `${header(model)}
/** The AsyncAPI document this code was generated from, with references to other files inlined: GET /asyncapi.json. */
export const asyncapiJson = ${literal(json)};

/** The same document as YAML: GET /asyncapi.yaml. */
export const asyncapiYaml = ${literal(yaml)};
`;
  return { kind: 'generated', path: 'documents.ts', content };
}
