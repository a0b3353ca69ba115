#!/usr/bin/env node
// Part of `npm run build`: compiles the AsyncAPI meta-schemas that @asyncapi/parser's
// `asyncapi-document-resolved` and `asyncapi-document-unresolved` rules check every document
// against, into ajv standalone validators (dist/asyncapi-validators/<version>-<resolved|unresolved>.cjs).
// The parser compiles these 1 MB schemas on every parse (~1 s); chanx-gen runs the parser with these
// two rules served by the precompiled code instead (src/load/precompiled-structure.ts).
//
// Parity by construction: the schemas are taken from the parser's own `getSchema` (so they are
// prepared exactly as it prepares them), and compiled with the same ajv, plugins and options as
// Spectral's `schema` function uses; each then remembers, for one call, what it found valid
// (memoize-valid.mjs: the resolved document holds every shared object many times). stamp.json
// records the versions they were built from; at run time a mismatch means the parser compiles
// them itself again (slow, never wrong).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { memoizeValid } from './memoize-valid.mjs';
import { fromSpectral, spectralAjv } from './spectral-ajv.mjs';

const require = createRequire(import.meta.url);
const parserDir = path.dirname(require.resolve('@asyncapi/parser/package.json'));
const fromParser = createRequire(path.join(parserDir, 'cjs', 'index.js'));

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'asyncapi-validators');
const versionOf = (req, name) => req(`${name}/package.json`).version;
/** What the validators are built from: the versions that shape them, and this script. */
const inputs = {
  parser: versionOf(require, '@asyncapi/parser'),
  specs: versionOf(fromParser, '@asyncapi/specs'),
  ajv: versionOf(fromSpectral, 'ajv'),
  spectralFunctions: versionOf(fromParser, '@stoplight/spectral-functions'),
  script: createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(readFileSync(fileURLToPath(new URL('./memoize-valid.mjs', import.meta.url))))
    .update(readFileSync(fileURLToPath(new URL('./spectral-ajv.mjs', import.meta.url))))
    .digest('hex'),
};

/** The digest of every validator, by name (the stamp's `validators`). */
function digestOf(files) {
  const digest = createHash('sha256');
  for (const name of [...files.keys()].sort()) digest.update(name).update('\0').update(files.get(name)).update('\0');
  return digest.digest('hex');
}

// Built already from the same inputs, and the files are the ones built (the digest of every .cjs
// there, names included, is the stamp's): nothing to do, without loading the parser or ajv.
// `npm ci` builds (prepare) and `npm test` builds again; this makes the second one cheap.
const stampFile = path.join(out, 'stamp.json');
if (existsSync(stampFile)) {
  const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  if (Object.entries(inputs).every(([k, v]) => stamp[k] === v)) {
    const names = readdirSync(out).filter((n) => n.endsWith('.cjs'));
    const files = new Map(names.map((n) => [n, readFileSync(path.join(out, n), 'utf8')]));
    if (files.size > 0 && digestOf(files) === stamp.validators) {
      console.log(`dist/asyncapi-validators: ${files.size} validators up to date`);
      process.exit(0);
    }
  }
}

const standaloneCode = fromSpectral('ajv/dist/standalone').default;
const draft6 = fromSpectral('ajv/dist/refs/json-schema-draft-06.json');
const draft4 = fromSpectral('./schema/draft4.json');
const { getSchema } = fromParser('./ruleset/functions/documentStructure.js');
const { AsyncAPIFormats } = fromParser('./ruleset/formats.js');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/** Spectral's ajv (spectral-ajv.mjs) with the JSON Schema drafts its schema function adds. */
function withDrafts() {
  const ajv = spectralAjv();
  ajv.addSchema(draft4);
  ajv.addSchema(draft6);
  return ajv;
}

const started = performance.now();
let count = 0;
const written = new Map();
for (const [version, format] of AsyncAPIFormats) {
  for (const resolved of [true, false]) {
    const ajv = withDrafts();
    const validate = ajv.compile(getSchema(new Set([format]), resolved));
    const name = `${version}-${resolved ? 'resolved' : 'unresolved'}.cjs`;
    const code = memoizeValid(standaloneCode(ajv, validate));
    writeFileSync(path.join(out, name), code);
    written.set(name, code);
    count++;
  }
}
// The digest of every validator, by name: the generator's fingerprint (src/write/generator-fingerprint.ts)
// takes it from stamp.json instead of hashing ~9 MB on every run.
const stamp = { ...inputs, validators: digestOf(written) };
writeFileSync(path.join(out, 'stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
console.log(`dist/asyncapi-validators: ${count} validators in ${((performance.now() - started) / 1000).toFixed(1)} s`);
