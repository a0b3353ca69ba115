/**
 * The two real documents of issue #12 (reduced to fixtures), and the parser's own bug: chanx-gen
 * behaves as @asyncapi/parser does, except where the parser throws, where it follows the spec.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/load/diagnostics.js';
import { viewFromParser } from '../../src/load/from-parser.js';
import { readSourceFile } from '../../src/load/source-files.js';
import { buildModel } from '../../src/model/build-model.js';
import { load } from '../../src/pipeline.js';
import { scratch, write } from '../helpers/cli.js';
import { referenceParser } from './differential.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

async function parserSays(file: string) {
  const parser = await referenceParser();
  return parser.parse(readFileSync(file, 'utf8'), { source: file });
}

async function refusal(spec: string, cwd: string): Promise<InputError> {
  try {
    await load(spec, cwd);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error(`${spec} was accepted`);
}

describe('documents that the lean loader judged differently from the parser', () => {
  it('refuses a 2.6 document whose component schema examples contradict their schemas, as the parser does', async () => {
    const file = path.join(FIXTURES, 'v2-contradicting-examples.yaml');
    const theirs = await parserSays(file);
    expect(theirs.document).toBeUndefined();
    const err = await refusal('v2-contradicting-examples.yaml', FIXTURES);
    expect(err.diagnostics[0]).toMatchObject({ file: 'v2-contradicting-examples.yaml', line: 34, column: 18 });
    expect(err.diagnostics[0]!.message).toContain('"price" property type must be number (at components.schemas.Ticker.examples.0.price)');
    expect(err.diagnostics.map((d) => d.message.replace(/ \(at .*\)$/, ''))).toEqual(theirs.diagnostics.filter((d) => d.severity === 0).map((d) => d.message));
  }, 120_000);

  it('reads a 3.0 document with under-indented multi-line flow collections, as the parser does, into the same model', async () => {
    const file = path.join(FIXTURES, 'v3-flow-not-indented.yaml');
    const theirs = await parserSays(file);
    expect(theirs.document).toBeDefined();
    const ours = await load('v3-flow-not-indented.yaml', FIXTURES);
    const spec = readSourceFile(file, FIXTURES);
    const model = (document: Parameters<typeof buildModel>[0]['document']) =>
      buildModel({ document, spec, specPath: 'v3-flow-not-indented.yaml', inputHash: '' }).model;
    const mine = model(ours.view);
    expect(mine).toEqual(model(viewFromParser(theirs.document!)));
    expect(mine.channels[0]!.incoming.map((m) => m.key)).toEqual(['say']);
    expect(mine.channels[0]!.outgoing.map((m) => m.key)).toEqual(['said']);
  }, 120_000);
});

describe('where @asyncapi/parser is wrong', () => {
  it('parameters: {id: null}: the parser throws (a bug); chanx-gen refuses it where it is, as the spec requires an object', async () => {
    const dir = scratch();
    write(
      path.join(dir, 'api.yaml'),
      `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  room:
    address: /ws/{id}
    parameters:
      id: null
`,
    );
    const theirs = await parserSays(path.join(dir, 'api.yaml'));
    const threw = theirs.diagnostics.find((d) => d.code === 'uncaught-error');
    expect(threw?.message).toMatch(/^Error thrown during AsyncAPI document parsing\. Name: TypeError/);
    expect(threw?.range.start).toEqual({ line: 0, character: 0 });
    const err = await refusal('api.yaml', dir);
    expect(err.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'api.yaml',
        line: 7,
        column: 7,
        message: "'id' must be an object or a $ref, as the AsyncAPI specification requires (at channels.room.parameters.id); @asyncapi/parser throws on it",
      },
    ]);
  }, 120_000);
});
