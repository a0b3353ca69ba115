#!/usr/bin/env node
// Part of `npm run build`: compiles the official AsyncAPI JSON Schemas (from @asyncapi/specs) into
// ajv standalone validators in dist/asyncapi-validators/<version>.cjs, so that checking a document
// at generation time costs a function call instead of compiling a 1 MB schema. The schemas are
// prepared the way @asyncapi/parser prepares them for resolved documents, so both accept the same.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv = require('ajv').default;
const addFormats = require('ajv-formats').default;
const standaloneCode = require('ajv/dist/standalone').default;
const specs = require('@asyncapi/specs');

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'asyncapi-validators');
mkdirSync(out, { recursive: true });

function prepared(version) {
  const copy = JSON.parse(JSON.stringify(specs.schemas[version]));
  delete copy.definitions['http://json-schema.org/draft-07/schema'];
  delete copy.definitions['http://json-schema.org/draft-04/schema'];
  const reference = copy.definitions[`http://asyncapi.com/definitions/${version}/ReferenceObject.json`];
  if (reference?.format === 'uri-reference') delete reference.format;
  if (version.startsWith('3.')) {
    // In a resolved document these fields hold the objects, not references to them.
    const def = (name) => copy.definitions[`http://asyncapi.com/definitions/${version}/${name}.json`];
    const to = (name) => `http://asyncapi.com/definitions/${version}/${name}.json`;
    if (def('channel')?.properties?.servers?.items) def('channel').properties.servers.items.$ref = to('server');
    if (def('operation')?.properties?.channel) def('operation').properties.channel.$ref = to('channel');
    if (def('operation')?.properties?.messages?.items) def('operation').properties.messages.items.$ref = to('messageObject');
    if (def('operationReply')?.properties?.channel) def('operationReply').properties.channel.$ref = to('channel');
    if (def('operationReply')?.properties?.messages?.items) def('operationReply').properties.messages.items.$ref = to('messageObject');
  }
  return copy;
}

const started = performance.now();
for (const version of Object.keys(specs.schemas)) {
  const ajv = new Ajv({ allErrors: true, meta: true, strict: false, allowUnionTypes: true, unicodeRegExp: false, code: { source: true } });
  addFormats(ajv);
  ajv.addSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  const validate = ajv.compile(prepared(version));
  writeFileSync(path.join(out, `${version}.cjs`), standaloneCode(ajv, validate));
}
console.log(`dist/asyncapi-validators: ${Object.keys(specs.schemas).length} versions in ${((performance.now() - started) / 1000).toFixed(1)} s`);
