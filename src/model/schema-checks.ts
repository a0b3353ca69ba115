/**
 * What the model's schemas ask of a validator, judged before any is compiled (issue 21 item 3):
 * only what truly cannot be validated is refused, each at the line of its keyword with the reason;
 * keywords ajv does not know that JSON Schema drafts or AsyncAPI allow are annotations, with a
 * located warning where they change nothing (draft-04 `id`).
 */
import type { Diagnostic } from '../load/diagnostics.js';
import { locateKeyword } from '../load/locate-keyword.js';
import type { SourceFile } from '../load/source-files.js';
import type { ApiModel } from './types.js';

/** Keywords whose value is data, not schemas: nothing below them is a keyword. */
const DATA = new Set(['enum', 'const', 'default', 'examples', 'example']);
/** Keywords whose value maps names to schemas. */
const MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

export function checkSchemas(model: ApiModel, files: readonly SourceFile[]): Diagnostic[] {
  const found = new Map<string, Diagnostic>();
  const at = (keyword: string, value: unknown) => locateKeyword(files, keyword, value) ?? { file: files[0]?.displayPath ?? '', line: 1, column: 1 };
  const say = (severity: Diagnostic['severity'], keyword: string, value: unknown, message: string) => {
    const place = at(keyword, value);
    const key = `${place.file}:${place.line}:${place.column}:${message}`;
    if (!found.has(key)) found.set(key, { severity, ...place, message });
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (DATA.has(key)) continue;
      if (key === 'pattern' && typeof value === 'string') {
        const why = regExpProblem(value);
        if (why !== undefined) say('error', 'pattern', value, `pattern ${JSON.stringify(value)} cannot be validated: ${why}`);
      } else if (key === 'patternProperties' && value !== null && typeof value === 'object') {
        for (const p of Object.keys(value)) {
          const why = regExpProblem(p);
          if (why !== undefined) say('error', p, undefined, `patternProperties key ${JSON.stringify(p)} cannot be validated: ${why}`);
        }
      } else if (key === 'id' && typeof value === 'string') {
        say('warning', 'id', value, `keyword id (draft-04's $id) is kept as an annotation: chanx-gen validates against the schema where it stands`);
      }
      if (MAPS.has(key) && value !== null && typeof value === 'object') Object.values(value).forEach(walk);
      else if (!MAPS.has(key)) walk(value);
    }
  };
  for (const schema of Object.values(model.schemas)) walk(schema);
  return [...found.values()];
}

/** ajv's reading of a pattern (a `u` RegExp): the reason it fails, or undefined. */
function regExpProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
