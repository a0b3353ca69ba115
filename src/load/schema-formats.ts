/**
 * Payloads in other schema formats (AsyncAPI `schemaFormat`): Avro, OpenAPI 3 / Swagger 2 schema
 * objects, RAML 1.0 data types and Protocol Buffers. @asyncapi/parser turns each into JSON Schema
 * through its official schema parser, before the model sees it; this file registers those parsers.
 *
 * Each is imported only when a document declares its format: a plain JSON Schema document loads
 * none of them (they cost time to import, the RAML one most). A format no parser reads is refused
 * at its `schemaFormat` line, naming the format; the parser would pass such a payload on unread.
 */
import type { SchemaParser } from '@asyncapi/parser';
import type { Diagnostic } from './diagnostics.js';
import type { SourceFile } from './source-files.js';
import { walkData } from './walk-data.js';

type Parser = import('@asyncapi/parser').Parser;

interface Family {
  /** How people call it, in messages. */
  name: string;
  /** Media types it covers (whichever versions its parser lists). */
  matches: RegExp;
  load: () => Promise<SchemaParser>;
}

const FAMILIES: readonly Family[] = [
  { name: 'Avro', matches: /^application\/vnd\.apache\.avro/i, load: async () => (await import('@asyncapi/avro-schema-parser')).AvroSchemaParser() },
  {
    name: 'OpenAPI 3.0 / Swagger 2 schema',
    matches: /^application\/vnd\.(oai\.openapi|swagger)/i,
    load: async () => (await import('@asyncapi/openapi-schema-parser')).OpenAPISchemaParser(),
  },
  {
    name: 'RAML 1.0 data type',
    matches: /^application\/raml\+yaml/i,
    load: async () => (await import('@asyncapi/raml-dt-schema-parser')).RamlDTSchemaParser(),
  },
  {
    name: 'Protocol Buffers',
    matches: /^application\/vnd\.google\.protobuf/i,
    load: async () => (await import('@asyncapi/protobuf-schema-parser')).ProtoBuffSchemaParser(),
  },
];

/** What chanx-gen reads, for the refusal of anything else. */
export const READABLE_FORMATS =
  'JSON Schema (draft-07), AsyncAPI Schema, Avro 1.8.2/1.9.0, OpenAPI 3.0 schema objects, RAML 1.0 data types and Protocol Buffers 2/3';

/** JSON Schema by another name: the parser passes these on as they are, which is what the model reads. */
const JSON_SCHEMA = /^application\/(schema(\+json|\+yaml)?;version=draft-\d+|vnd\.aai\.asyncapi(\+json|\+yaml)?;version=[\d.]+)$/i;

const registered = new WeakMap<Parser, Set<Family>>();

/** A `schemaFormat` the document declares, where it says so. */
interface Declared {
  format: string;
  file: SourceFile;
  path: (string | number)[];
}

/**
 * Registers on `parser` the schema parsers of the formats `files` declare (each once per parser),
 * and returns a located error for each declared format that none reads.
 */
export async function useSchemaFormats(parser: Parser, files: readonly SourceFile[]): Promise<Diagnostic[]> {
  const declared = files.flatMap(declaredFormats);
  if (declared.length === 0) return [];
  const done = registered.get(parser) ?? new Set<Family>();
  registered.set(parser, done);
  const errors: Diagnostic[] = [];
  for (const d of declared) {
    if (JSON_SCHEMA.test(d.format)) continue;
    if (!parser.parserRegistry.has(d.format)) {
      const family = FAMILIES.find((f) => f.matches.test(d.format));
      if (family !== undefined && !done.has(family)) {
        done.add(family);
        parser.registerSchemaParser(await family.load());
      }
    }
    if (parser.parserRegistry.has(d.format)) continue;
    const family = FAMILIES.find((f) => f.matches.test(d.format));
    const versions = family === undefined ? '' : ` (its parser reads ${[...parser.parserRegistry.keys()].filter((k) => family.matches.test(k)).join(', ')})`;
    errors.push({
      severity: 'error',
      file: d.file.displayPath,
      ...d.file.locate(d.path),
      message: `schemaFormat '${d.format}' cannot be read${versions}: chanx-gen reads ${READABLE_FORMATS}`,
    });
  }
  return errors;
}

/** Every `schemaFormat` string beside a `schema` (3.x multi-format schema) or a `payload` (2.x message). */
function declaredFormats(file: SourceFile): Declared[] {
  const found: Declared[] = [];
  walkData(file.data, {
    node(node, at) {
      if (Array.isArray(node)) return undefined;
      const record = node as Record<string, unknown>;
      const format = record['schemaFormat'];
      if (typeof format === 'string' && ('schema' in record || 'payload' in record)) found.push({ format, file, path: [...at, 'schemaFormat'] });
      return undefined;
    },
    key: (key) => key !== 'examples' && key !== 'example',
  });
  return found;
}
