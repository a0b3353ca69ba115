import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/load/diagnostics.js';
import { modelOf, receiving } from '../helpers/model.js';

const obj = (props: string, required = '') => `{ type: object, properties: { ${props} }${required ? `, required: [${required}]` : ''} }`;

describe('routing field (DESIGN §3)', () => {
  it.each([
    ['const on action', { a: obj('action: { type: string, const: a }'), b: obj('action: { type: string, const: b }') }, {}, 'action', ['a', 'b']],
    ['one-value enum', { a: obj('action: { enum: [a] }'), b: obj('action: { enum: [b] }') }, {}, 'action', ['a', 'b']],
    ['^x$ pattern', { a: obj("type: { type: string, pattern: '^a$' }"), b: obj("type: { type: string, pattern: '^b$' }") }, {}, 'type', ['a', 'b']],
    [
      'detected type field',
      { sub: obj('type: { const: subscribe }, id: { type: integer }'), unsub: obj('type: { const: unsubscribe }') },
      {},
      'type',
      ['subscribe', 'unsubscribe'],
    ],
    [
      'action preferred over op',
      { x: obj('op: { const: o1 }, action: { const: a1 }'), y: obj('op: { const: o2 }, action: { const: a2 }') },
      {},
      'action',
      ['a1', 'a2'],
    ],
    [
      '--discriminator wins',
      { x: obj('op: { const: o1 }, action: { const: a1 }'), y: obj('op: { const: o2 }, action: { const: a2 }') },
      { discriminator: 'op' },
      'op',
      ['o1', 'o2'],
    ],
    ['one message with a fixed field still routes by it', { only: obj('event: { const: hello }') }, {}, 'event', ['hello']],
  ])('%s', async (_name, messages, options, field, tags) => {
    const { model } = await modelOf(receiving(messages), options);
    const channel = model.channels[0]!;
    expect(channel.discriminator).toBe(field);
    expect(channel.incoming.map((m) => m.tag)).toEqual(tags);
  });

  it('falls back to oneOf with a located warning when no field is fixed by every message', async () => {
    const { model, warnings } = await modelOf(receiving({ move: obj('dx: { type: integer }'), say: obj('text: { type: string }') }));
    expect(model.channels[0]!.discriminator).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', file: 'spec.yaml', line: 4, column: 3 });
    expect(warnings[0]!.message).toContain('--discriminator');
  });

  it('needs no discriminator for a single message that fixes nothing, and warns nothing', async () => {
    const { model, warnings } = await modelOf(receiving({ move: obj('dx: { type: integer }') }));
    expect(model.channels[0]!.discriminator).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('refuses two messages with the same value, naming both with their locations', async () => {
    const err = await modelOf(receiving({ first: obj('action: { const: same }'), second: obj('action: { const: same }') })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const [d] = (err as InputError).diagnostics;
    expect(d).toMatchObject({ severity: 'error', file: 'spec.yaml', line: 9, column: 7 });
    expect(d!.message).toMatch(/'first' \(spec\.yaml:7:7\) and 'second'.*action 'same'/);
  });

  it('refuses --discriminator naming a field a message does not fix', async () => {
    const err = await modelOf(receiving({ a: obj('action: { const: a }'), b: obj('action: { const: b }') }), { discriminator: 'kind' }).catch(
      (e: unknown) => e,
    );
    expect((err as InputError).diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("'a' of channel 'c' does not fix a value for discriminator 'kind'"),
      expect.stringContaining("'b'"),
    ]);
  });
});

describe('names, handlers and replies', () => {
  it('names types from component keys, handlers from tags, and collects replies', async () => {
    const spec = `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  chat:
    address: /ws/chat/{room}
    parameters: { room: { description: the room } }
    messages:
      user_message: { payload: { $ref: '#/components/schemas/UserMessage' } }
      echo: { payload: { type: object, properties: { action: { const: echo } } } }
      notice: { payload: { type: object, properties: { action: { const: notice } } } }
      spare: { payload: { type: object } }
operations:
  handle_user:
    action: receive
    summary: Handle a user's message
    channel: { $ref: '#/channels/chat' }
    messages: [{ $ref: '#/channels/chat/messages/user_message' }]
    reply: { channel: { $ref: '#/channels/chat' }, messages: [{ $ref: '#/channels/chat/messages/echo' }] }
  notify:
    action: send
    channel: { $ref: '#/channels/chat' }
    messages: [{ $ref: '#/channels/chat/messages/notice' }]
components:
  schemas:
    UserMessage: { type: object, properties: { action: { const: user_message }, payload: { type: string } } }
`;
    const { model, warnings } = await modelOf(spec);
    const chat = model.channels[0]!;
    expect(chat).toMatchObject({
      key: 'chat',
      folder: 'chat',
      typeName: 'Chat',
      address: '/ws/chat/{room}',
      params: [{ name: 'room', description: 'the room' }],
    });
    expect(chat.incoming).toEqual([
      {
        key: 'user_message',
        typeName: 'UserMessage',
        tag: 'user_message',
        validatorName: 'validateUserMessage',
        handler: { method: 'onUserMessage', operations: ['handle_user'], summary: "Handle a user's message", replies: ['Echo'] },
      },
    ]);
    expect(chat.outgoing.map((m) => m.typeName)).toEqual(['Echo', 'Notice']);
    expect(chat.unused.map((m) => m.key)).toEqual(['spare']);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining("lists 'spare' but no operation")]);
    expect(Object.keys(model.schemas)).toEqual(['Echo', 'Notice', 'Spare', 'UserMessage']);
  });

  it('gives a recursive inline schema a name so it can be written down', async () => {
    const { model } = await modelOf(`asyncapi: 2.6.0
info: { title: t, version: '1' }
channels:
  tree:
    publish:
      message:
        name: node
        payload: { $ref: '#/components/schemas/Node' }
components:
  schemas:
    Node: { type: object, properties: { children: { type: array, items: { $ref: '#/components/schemas/Node' } } } }
`);
    expect(model.schemas['Node']).toEqual({ type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } } } });
    expect(model.channels[0]!.incoming[0]!.typeName).toBe('Node');
  });

  it('is the same model whatever the order of keys in the document', async () => {
    const a = await modelOf(receiving({ a: obj('action: { const: a }, x: { type: string }'), b: obj('action: { const: b }') }));
    const b = await modelOf(receiving({ b: obj('action: { const: b }'), a: obj('x: { type: string }, action: { const: a }') }));
    expect(b.model.inputHash).toBe(a.model.inputHash);
    expect(b.model.channels).toEqual(a.model.channels);
  });
});

describe('channels that share an address', () => {
  const twoChannels = (first: string, second: string, version = '3.0.0') =>
    version.startsWith('2.')
      ? `asyncapi: ${version}
info: { title: t, version: '1' }
channels:
  ${first}:
    publish: { message: { payload: { type: object, properties: { action: { const: a } } } } }
  ${second}:
    publish: { message: { payload: { type: object, properties: { action: { const: b } } } } }
`
      : `asyncapi: ${version}
info: { title: t, version: '1' }
channels:
  one:
    address: ${first}
    messages: { a: { payload: { type: object, properties: { action: { const: a } } } } }
  two:
    address: ${second}
    messages: { b: { payload: { type: object, properties: { action: { const: b } } } } }
operations:
  ra: { action: receive, channel: { $ref: '#/channels/one' } }
  rb: { action: receive, channel: { $ref: '#/channels/two' } }
`;

  it.each([
    ['the same address', '/same', '/same', 'two', 'one', 8, 5],
    ['addresses that match the same paths', "'/room/{a}'", "'/room/{b}'", 'two', 'one', 8, 5],
    ['v2 keys that are one address with and without its slash', 'chat', '/chat', 'chat', '/chat', 4, 3, '2.6.0'],
  ])('warns at the address of each channel the server cannot reach (%s)', async (_how, first, second, unreachable, mounted, line, column, version?: string) => {
    const { warnings } = await modelOf(twoChannels(first, second, version));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', file: 'spec.yaml', line, column });
    expect(warnings[0]!.message).toContain(`channel '${unreachable}' has the address of channel '${mounted}'`);
  });

  it('says nothing of channels at different addresses, nor of one the first lets through (its parameter restricted to some values)', async () => {
    expect((await modelOf(twoChannels('/a', '/b'))).warnings).toEqual([]);
    const restricted = twoChannels("'/room/{a}'", "'/room/{b}'").replace(
      "    address: '/room/{a}'\n",
      "    address: '/room/{a}'\n    parameters: { a: { enum: [x, y] } }\n",
    );
    expect(restricted).toContain('parameters: { a: { enum: [x, y] } }');
    expect((await modelOf(restricted)).warnings).toEqual([]);
  });
});

describe('messages the server receives that are not JSON objects', () => {
  it('warns at each one, since the envelope check answers every such frame (its handler would never run)', async () => {
    const { warnings } = await modelOf(
      receiving({
        str: '{ type: string }',
        pair: "{ type: [array, 'null'], items: { type: integer } }",
        either: '{ type: [object, string] }',
        open: '{ properties: { action: { const: open } } }',
      }),
    );
    const said = warnings.filter((w) => w.message.includes('not a JSON object'));
    expect(said.map((w) => w.message.split(',')[0])).toEqual(["message 'pair' of channel 'c' is an array or null", "message 'str' of channel 'c' is a string"]);
    for (const w of said) expect(w).toMatchObject({ severity: 'warning', file: 'spec.yaml' });
    expect(said.every((w) => w.line > 0 && w.column > 0)).toBe(true);
  });
});
