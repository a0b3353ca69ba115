/** Channel parameters: the parser's rule, with its messages (both `load` calls go through it now), and every address variable is typed. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/load/diagnostics.js';
import { buildModel } from '../../src/model/build-model.js';
import { load } from '../../src/pipeline.js';
import { scratch, write } from '../helpers/cli.js';

const v3 = (address: string, parameters: string) => `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  r:
    address: ${address}${parameters === '' ? '' : `\n    parameters: ${parameters}`}
    messages:
      m: { payload: { type: object, properties: { action: { const: a } } } }
operations:
  o: { action: receive, channel: { $ref: '#/channels/r' }, messages: [{ $ref: '#/channels/r/messages/m' }] }
`;
const v2 = (key: string, parameters: string) => `asyncapi: 2.6.0
info: { title: t, version: '1' }
channels:
  ${key}:${parameters === '' ? '' : `\n    parameters: ${parameters}`}
    publish:
      message: { payload: { type: object } }
`;

describe('channel parameters', () => {
  it.each([
    ['3.x, undescribed variable', v3('/ws/room/{room}', ''), ['room']],
    ['3.x, described', v3('/ws/room/{room}', '{ room: { description: the room } }'), ['room']],
    ['3.x, a redundant parameter', v3('/ws/room/{room}', '{ room: {}, extra: {} }'), 'Channel\'s "parameters" object has redundant defined "extra" parameter'],
    [
      '3.x, a parameter missing from "parameters"',
      v3('/ws/{a}/{b}', '{ a: {} }'),
      'Not all channel\'s parameters are described with "parameters" object. Missed: b.',
    ],
    [
      '3.x, parameters on an address without variables',
      v3('/ws/room', '{ extra: {} }'),
      'Channel\'s "parameters" object has redundant defined "extra" parameter',
    ],
    ['2.x, undescribed variable', v2('/ws/room/{room}', ''), ['room']],
    ['2.x, a redundant parameter', v2('/ws/room/{room}', '{ room: {}, extra: {} }'), 'Channel\'s "parameters" object has redundant defined "extra" parameter'],
    ['2.x, parameters on a channel without variables', v2('/ws/room', '{ extra: {} }'), []],
  ])('%s', async (_name, spec, want) => {
    const dir = scratch();
    write(path.join(dir, 'api.yaml'), spec);
    let outcome: string[] | string;
    try {
      const loaded = await load('api.yaml', dir);
      outcome = buildModel({ document: loaded.view, spec: loaded.files[0]!, specPath: 'api.yaml', inputHash: '' }).model.channels[0]!.params.map((p) => p.name);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      outcome = err.diagnostics.map((d) => d.message).join(' | ');
    }
    if (Array.isArray(want)) expect(outcome).toEqual(want);
    else expect(outcome).toContain(want);
  });
});
