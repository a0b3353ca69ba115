/**
 * Every AsyncAPI version chanx-gen reads (2.0-2.6, 3.0-3.1) gives the same model of the same API,
 * and the same model as @asyncapi/parser as shipped gives. (The public corpus has no 2.0-2.5.)
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build-model.js';
import { load } from '../../src/pipeline.js';
import type { DocumentView } from '../../src/load/document-view.js';
import { viewFromParser } from '../../src/load/from-parser.js';
import { referenceParser } from '../load/differential.js';
import { scratch, write } from '../helpers/cli.js';

const payload = (action: string) => `{ type: object, properties: { action: { type: string, const: ${action} }, text: { type: string } }, required: [text] }`;

function v2(version: string): string {
  return `asyncapi: ${version}
info: { title: Echo, version: '1' }
channels:
  /ws/echo:
    publish:
      operationId: handleSay
      message:
        oneOf:
          - { $ref: '#/components/messages/say' }
          - { $ref: '#/components/messages/shout' }
    subscribe:
      message: { $ref: '#/components/messages/echo' }
components:
  messages:
    say: { payload: ${payload('say')} }
    shout: { payload: ${payload('shout')} }
    echo: { payload: ${payload('echo')} }
`;
}

function v3(version: string): string {
  return `asyncapi: ${version}
info: { title: Echo, version: '1' }
channels:
  echo:
    address: /ws/echo
    messages:
      say: { $ref: '#/components/messages/say' }
      shout: { $ref: '#/components/messages/shout' }
      echo: { $ref: '#/components/messages/echo' }
operations:
  handleSay:
    action: receive
    channel: { $ref: '#/channels/echo' }
    messages: [{ $ref: '#/channels/echo/messages/say' }, { $ref: '#/channels/echo/messages/shout' }]
  sendEcho:
    action: send
    channel: { $ref: '#/channels/echo' }
    messages: [{ $ref: '#/channels/echo/messages/echo' }]
components:
  messages:
    say: { payload: ${payload('say')} }
    shout: { payload: ${payload('shout')} }
    echo: { payload: ${payload('echo')} }
`;
}

const versions = ['2.0.0', '2.1.0', '2.2.0', '2.3.0', '2.4.0', '2.5.0', '2.6.0', '3.0.0', '3.1.0'];

describe('every supported AsyncAPI version', () => {
  it.each(versions)(
    '%s',
    async (version) => {
      const dir = scratch();
      write(path.join(dir, 'api.yaml'), version.startsWith('2.') ? v2(version) : v3(version));
      const loaded = await load('api.yaml', dir);
      const model = (document: DocumentView) => buildModel({ document, spec: loaded.files[0]!, specPath: 'api.yaml', inputHash: '' }).model;
      const parsed = await (await referenceParser()).parse(loaded.files[0]!.text, { source: loaded.files[0]!.absPath });
      const models = [model(loaded.view), model(viewFromParser(parsed.document!))];
      expect(models[1]).toEqual(models[0]);
      const [channel] = models[0]!.channels;
      expect(channel).toMatchObject({ address: '/ws/echo', discriminator: 'action' });
      expect(channel!.incoming.map((m) => [m.key, m.tag, m.handler.method])).toEqual([
        ['say', 'say', 'onSay'],
        ['shout', 'shout', 'onShout'],
      ]);
      expect(channel!.outgoing.map((m) => m.typeName)).toEqual(['Echo']);
    },
    120_000,
  );

  it.each(['1.2.0', '2.7.0', '3.2.0'])('refuses %s with a located error', async (version) => {
    const dir = scratch();
    write(path.join(dir, 'api.yaml'), `asyncapi: ${version}\ninfo: { title: t, version: '1' }\n`);
    await expect(load('api.yaml', dir)).rejects.toMatchObject({
      diagnostics: [{ file: 'api.yaml', line: 1, column: 1, message: expect.stringContaining('not supported') }],
    });
  });
});
