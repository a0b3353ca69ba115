/**
 * Issue 21 item 3: keywords ajv does not know are annotations (with a located warning where they
 * change nothing) or translated (`nullable: true`); only what cannot be validated is refused, at
 * the keyword's line with the reason. A `$ref` to a component named `constructor` works.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Rejection } from 'chanx-gen/runtime';
import { cli, scratch, typecheck, write } from '../helpers/cli.js';
import { channelDefinition } from '../helpers/serve-generated.js';

const SPEC = `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  c:
    address: /c
    messages:
      m:
        payload:
          $ref: '#/components/schemas/constructor'
      n:
        payload:
          type: object
          id: http://example.com/n
          x-internal: true
          discriminator: { propertyName: action }
          properties:
            action: { const: n }
            note: { type: string, nullable: true }
            when: { type: string, format: iso-week }
            odd: { type: string, format: 'quo"te' }
operations:
  r:
    action: receive
    channel: { $ref: '#/channels/c' }
    messages: [{ $ref: '#/channels/c/messages/m' }, { $ref: '#/channels/c/messages/n' }]
components:
  schemas:
    constructor:
      type: object
      properties:
        action: { const: m }
        toString: { type: string, pattern: '^a' }
`;

const dir = scratch();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('generates, warns at the line of each annotation, and validates nullable and the constructor schema', async () => {
  write(path.join(dir, 'ok/spec.yaml'), SPEC);
  const run = await cli(['spec.yaml', '--out', 'gen'], path.join(dir, 'ok'));
  expect(run.code).toBe(0);
  expect(run.stderr).toContain("spec.yaml:13:11: warning: keyword id (draft-04's $id) is kept as an annotation");
  expect(run.stderr).toContain('spec.yaml:19:35: warning: validator: channel \'c\': format "iso-week" is not one ajv-formats knows');
  expect(run.stderr).toContain('spec.yaml:20:34: warning: validator: channel \'c\': format "quo"te" is not one ajv-formats knows');
  for (const line of run.stderr
    .trim()
    .split('\n')
    .filter((l) => / (warning|error): /.test(l)))
    expect(line).toMatch(/^spec\.yaml:[1-9]\d*:[1-9]\d*: /);
  expect(readFileSync(path.join(dir, 'ok/gen/c/messages.ts'), 'utf8')).toMatch(/note\?: string \| null;/);
  expect(await typecheck(path.join(dir, 'ok/gen'))).toBe('');

  const definition = await channelDefinition(path.join(dir, 'ok/gen/c/router.ts'));
  const seen: unknown[] = [];
  const handlers = { onM: (m: unknown) => void seen.push(m), onN: (m: unknown) => void seen.push(m) };
  expect(definition.route({ action: 'n', note: null }, handlers, {} as never)).not.toBeInstanceOf(Rejection);
  expect(definition.route({ action: 'n', note: 3 }, handlers, {} as never)).toBeInstanceOf(Rejection);
  expect(definition.route({ action: 'm', toString: 'abc' }, handlers, {} as never)).not.toBeInstanceOf(Rejection);
  expect(definition.route({ action: 'm', toString: 'xyz' }, handlers, {} as never)).toBeInstanceOf(Rejection);
  expect(seen).toEqual([
    { action: 'n', note: null },
    { action: 'm', toString: 'abc' },
  ]);
}, 60_000);

it('refuses a pattern that is no regular expression at its line, with the reason', async () => {
  write(path.join(dir, 'bad/spec.yaml'), SPEC.replace("pattern: '^a'", "pattern: '('"));
  const run = await cli(['spec.yaml', '--out', 'gen'], path.join(dir, 'bad'));
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^spec\.yaml:32:35: error: pattern "\(" cannot be validated: Invalid regular expression: \/\(\/u: Unterminated group$/m);
});

// Found by a probe: the validator dropped `dependencies` keys that start with `x-` (taken for
// extensions), and the types said more than the validator checks (a nullable enum, a literal
// without default or `required`, a draft-07 tuple's missing tail).
const AGREE = `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  c:
    address: /c
    messages:
      m:
        payload:
          type: object
          required: [action]
          properties:
            action: { const: m }
            x-sig: { type: string }
            x-ts: { type: integer }
            a: { type: string }
            b: { type: string }
            side: { type: string, enum: [buy, sell], nullable: true }
            d: { type: number, const: 0.5 }
            pair: { type: array, items: [{ type: string }, { type: integer }], additionalItems: false }
          dependencies: { x-sig: [x-ts], a: [b] }
operations:
  r:
    action: receive
    channel: { $ref: '#/channels/c' }
`;

it('validates what the types say and types what the validator lets through', async () => {
  write(path.join(dir, 'agree/spec.yaml'), AGREE);
  const run = await cli(['spec.yaml', '--out', 'gen'], path.join(dir, 'agree'));
  expect(run.code).toBe(0);
  const messages = readFileSync(path.join(dir, 'agree/gen/c/messages.ts'), 'utf8');
  for (const line of ["side?: 'buy' | 'sell';", 'd?: 0.5;', 'pair?: [string?, number?];']) expect(messages).toContain(line);
  expect(await typecheck(path.join(dir, 'agree/gen'))).toBe('');
  const definition = await channelDefinition(path.join(dir, 'agree/gen/c/router.ts'));
  const handlers = { onM: () => undefined };
  const verdict = (frame: object) => (definition.route({ action: 'm', ...frame }, handlers, {} as never) instanceof Rejection ? 'refused' : 'accepted');
  expect(
    [
      { 'x-sig': 's' },
      { 'x-sig': 's', 'x-ts': 1 },
      { a: 's' },
      { a: 's', b: 't' },
      { side: null },
      { side: 'buy' },
      {},
      { pair: [] },
      { pair: ['s'] },
      { pair: ['s', 1, 2] },
    ].map(verdict),
  ).toEqual(['refused', 'accepted', 'refused', 'accepted', 'refused', 'accepted', 'accepted', 'accepted', 'accepted', 'refused']);
}, 60_000);
