/**
 * Issue 21 item 4: payloads in Avro, OpenAPI 3.0, RAML 1.0 and Protocol Buffers, through the
 * parser's official schema parsers. Each document generates typed interfaces and validators that
 * compile under tsc --strict, and a real server validates frames against each (a valid one reaches
 * the handler, an invalid one is answered with an error frame). A format no parser reads is refused
 * at its line; a plain JSON Schema document imports none of the schema parsers.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, cli, ROOT, scratch, typecheckTrees, write } from '../helpers/cli.js';
import { serveChannel } from '../helpers/serve-generated.js';
import { connect } from '../helpers/ws-client.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/schema-formats');
const dir = scratch();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What each document's `place` message must type, and frames its validator must accept and refuse. */
const cases: { format: string; typed: RegExp[]; valid: Record<string, unknown>; invalid: Record<string, unknown>; loc: (string | number)[] }[] = [
  {
    format: 'avro',
    typed: [/action: 'place';/, /quantity: number;/, /note\?: string \| null;/],
    valid: { action: 'place', item: 'pen', quantity: 2, note: 'soon' },
    invalid: { action: 'place', item: 'pen', quantity: 2 ** 40 },
    loc: ['place', 'quantity'],
  },
  {
    format: 'openapi',
    typed: [/action: 'place';/, /note\?: string \| null;/],
    valid: { action: 'place', item: 'pen', quantity: 2, note: null },
    invalid: { action: 'place', item: '', quantity: 2 },
    loc: ['place', 'item'],
  },
  {
    format: 'raml',
    typed: [/action: 'place';/, /note\?: string;/],
    valid: { action: 'place', item: 'pen', quantity: 2, note: 'soon' },
    invalid: { action: 'place', item: 'pen', quantity: 0 },
    loc: ['place', 'quantity'],
  },
  {
    format: 'protobuf',
    typed: [/action: string;/, /quantity: number;/, /note\?: string;/],
    valid: { action: 'place', item: 'pen', quantity: 2 },
    invalid: { action: 'place', item: 'pen', quantity: 'two' },
    loc: ['quantity'],
  },
];

// Every format's document is generated first, and the four trees compiled by one tsc run.
const runs = new Map<string, CliRun>();
let complaints: (tree: string) => string;
beforeAll(async () => {
  for (const { format } of cases) runs.set(format, await cli([path.join(FIXTURES, `${format}.yaml`), '--out', path.join(dir, format)], ROOT));
  complaints = await typecheckTrees(
    dir,
    cases.map((c) => path.join(dir, c.format)),
  );
}, 120_000);

describe.each(cases)('$format payloads', ({ format, typed, valid, invalid, loc }) => {
  const out = path.join(dir, format);
  it('generate typed interfaces and validators that compile under tsc --strict', () => {
    const run = runs.get(format)!;
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const messages = readFileSync(path.join(out, 'orders/messages.ts'), 'utf8');
    for (const t of typed) expect(messages).toMatch(t);
    expect(complaints(out)).toBe('');
  });

  it('validate frames on a real server: a valid one reaches the handler, an invalid one gets an error frame', async () => {
    const received: unknown[] = [];
    class Orders {
      onPlace(message: unknown, ctx: { send(m: unknown): void }): void {
        received.push(message);
        ctx.send({ action: 'placed', id: 7 });
      }
    }
    const served = await serveChannel(path.join(out, 'orders/router.ts'), Orders);
    try {
      const client = await connect(`${served.base}/orders`);
      client.ws.send(JSON.stringify(valid));
      expect(await client.nextJson()).toEqual({ action: 'placed', id: 7 });
      expect(received).toEqual([valid]);
      client.ws.send(JSON.stringify(invalid));
      const answer = (await client.nextJson()) as { action: string; payload: { loc: unknown[] }[] };
      expect(answer.action).toBe('error');
      expect(answer.payload.map((e) => e.loc)).toContainEqual(loc);
      expect(received).toHaveLength(1);
      client.ws.close();
    } finally {
      await served.server.close();
    }
  });
});

it('refuses a schemaFormat no parser reads, at its line, naming it', async () => {
  const spec = path.join(dir, 'unknown', 'spec.yaml');
  write(
    spec,
    `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  c:
    address: /c
    messages:
      m:
        payload:
          schemaFormat: application/x-thrift
          schema: { type: string }
      n:
        payload:
          schemaFormat: application/vnd.apache.avro;version=1.11.1
          schema: { type: string }
`,
  );
  const run = await cli(['spec.yaml', '--out', 'gen'], path.dirname(spec));
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^spec\.yaml:9:11: error: schemaFormat 'application\/x-thrift' cannot be read: chanx-gen reads .*Avro/m);
  expect(run.stderr).toMatch(
    /^spec\.yaml:13:11: error: schemaFormat 'application\/vnd\.apache\.avro;version=1\.11\.1' cannot be read \(its parser reads application\/vnd\.apache\.avro;version=1\.9\.0/m,
  );
});

it('imports a schema parser only for a document that declares its format', () => {
  const loaded = (spec: string): string[] => {
    const script = `import { createRequire } from 'node:module';
import { runPipeline } from ${JSON.stringify(path.join(ROOT, 'dist/pipeline.js'))};
await runPipeline({ spec: ${JSON.stringify(spec)}, cwd: ${JSON.stringify(ROOT)} });
const cache = createRequire(import.meta.url).cache;
console.log(JSON.stringify(Object.keys(cache).filter((k) => /(avro|openapi|raml-dt|protobuf)-schema-parser|webapi-parser|avsc|protobufjs/.test(k))));`;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
  };
  expect(loaded('specs/system.yaml')).toEqual([]);
  const avro = loaded('test/fixtures/schema-formats/avro.yaml');
  expect(avro.some((k) => k.includes('avro-schema-parser'))).toBe(true);
  expect(avro.some((k) => /raml-dt|webapi-parser|protobuf|openapi-schema-parser/.test(k))).toBe(false);
}, 60_000);
