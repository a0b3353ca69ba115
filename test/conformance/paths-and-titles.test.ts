/** Strict path matching as Chanx's routes (no trailing slash, case-sensitive) and model_type titles. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../generated/server.js';
import type { ChanxServer } from 'chanx-gen/runtime';
import { modelTitles } from '../../src/emit/model-titles.js';
import { compilePath } from '../../src/runtime/support/path-template.js';
import { upgradeStatus } from '../helpers/ws-client.js';

describe('paths match as Chanx matches them', () => {
  let server: ChanxServer;
  let base: string;
  beforeAll(async () => {
    server = createServer({ logger: { error: () => undefined } });
    base = `ws://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(() => server.close());

  it.each([
    ['/ws/system', 101],
    ['/ws/system?token=x', 101],
    ['/ws/system/', 404],
    ['/ws/System', 404],
    ['/ws/system/x', 404],
  ])('%s -> %i', async (p, status) => expect(await upgradeStatus(`${base}${p}`)).toBe(status));

  it('takes parameters without a trailing slash', () => {
    const room = compilePath('/ws/room/{room_name}');
    expect(room.match('/ws/room/a%20b')).toEqual({ room_name: 'a b' });
    expect(room.match('/ws/room/a/')).toBeUndefined();
    expect(room.match('/ws/Room/a')).toBeUndefined();
    // A parameter that is not valid percent-encoding matches nothing (404), whatever values are allowed.
    expect(room.match('/ws/room/%E0%A4%A')).toBeUndefined();
  });
});

describe('which named schemas are models (model_type) and by which title', () => {
  const schemas = {
    Msg: {
      type: 'object',
      properties: { payload: { $ref: '#/$defs/Payload' }, tags: { $ref: '#/$defs/Tags' }, kind: { $ref: '#/$defs/Kind' }, alias: { $ref: '#/$defs/Renamed' } },
    },
    Payload: { type: 'object', title: 'PayloadModel', properties: { a: { type: 'string' } } },
    Tags: { type: 'object', additionalProperties: { type: 'string' } },
    Kind: { type: 'string', enum: ['a', 'b'] },
    Renamed: { properties: { x: { type: 'integer' } } },
  };
  it('lists referenced objects with fields, titled; not maps, not scalars, not the message itself', () => {
    expect(modelTitles(['Msg'], schemas)).toEqual([
      ['Payload', 'PayloadModel'],
      ['Renamed', 'Renamed'],
    ]);
  });
});
