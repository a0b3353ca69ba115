/**
 * The safety net of issue #12: a refusal by the precompiled meta-schema validators is confirmed by
 * @asyncapi/parser's own rules; where they accept, the parser's verdict stands and chanx-gen warns.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/load/diagnostics.js';
import { loadDocument } from '../../src/load/load-document.js';
import { replaceValidatorForTests, type Validate } from '../../src/load/precompiled-structure.js';
import { scratch, write } from '../helpers/cli.js';

const SPEC = `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  chat:
    address: /ws/chat
    messages:
      say: { payload: { type: object, properties: { action: { const: say } } } }
operations:
  say: { action: receive, channel: { $ref: '#/channels/chat' }, messages: [{ $ref: '#/channels/chat/messages/say' }] }
`;

/** A validator that is wrong: it refuses everything, blaming `info`. */
const refusesAll: Validate = Object.assign(() => false, {
  errors: [{ instancePath: '/info', keyword: 'type', params: { type: 'string' }, message: 'must be string' }],
});

describe('safety net over the precompiled validators', () => {
  afterEach(() => replaceValidatorForTests('3.0.0', true, undefined));

  it('generates from the parser when the precompiled validator wrongly refuses, and says so', async () => {
    const dir = scratch();
    write(path.join(dir, 'api.yaml'), SPEC);
    replaceValidatorForTests('3.0.0', true, refusesAll);
    const loaded = await loadDocument('api.yaml', dir);
    expect(
      loaded.document
        .channels()
        .all()
        .map((c) => c.id()),
    ).toEqual(['chat']);
    expect(loaded.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('precompiled AsyncAPI schema check refused this document but @asyncapi/parser accepts it'),
    ]);
  }, 120_000);

  it('keeps a refusal that the parser confirms', async () => {
    const dir = scratch();
    write(path.join(dir, 'api.yaml'), SPEC.replace("version: '1'", 'version: 1'));
    replaceValidatorForTests('3.0.0', true, refusesAll);
    const err = await loadDocument('api.yaml', dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).diagnostics.some((d) => d.message.includes('info'))).toBe(true);
  }, 120_000);
});
