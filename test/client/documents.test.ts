/** The served document: references to other files inlined (once, then referred to), the spec's own kept. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { bundleDocument } from '../../src/emit/documents-bundle.js';
import { readSourceTree } from '../../src/load/source-files.js';
import { scratch } from '../helpers/cli.js';

it('inlines external $refs, keeps internal ones, and refers back to what it already inlined (cycles too)', () => {
  const dir = scratch();
  mkdirSync(path.join(dir, 'schemas'));
  writeFileSync(
    path.join(dir, 'spec.yaml'),
    `asyncapi: 3.0.0
info: { title: T, version: '1' }
channels:
  c:
    address: /c
    messages:
      m: { $ref: '#/components/messages/m' }
components:
  messages:
    m:
      payload: { $ref: './schemas/common.yaml#/Tree' }
    n:
      payload: { $ref: 'schemas/common.yaml#/Tree' }
`,
  );
  writeFileSync(
    path.join(dir, 'schemas/common.yaml'),
    `Tree:\n  type: object\n  properties:\n    label: { $ref: '#/Label' }\n    children: { type: array, items: { $ref: '#/Tree' } }\nLabel: { type: string }\n`,
  );
  const bundled = bundleDocument(readSourceTree(path.join(dir, 'spec.yaml'), dir)) as Record<string, any>;
  expect(bundled.channels.c.messages.m).toEqual({ $ref: '#/components/messages/m' });
  const tree = bundled.components.messages.m.payload;
  expect(tree).toEqual({
    type: 'object',
    properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/messages/m/payload' } } },
  });
  expect(bundled.components.messages.n.payload).toEqual({ $ref: '#/components/messages/m/payload' });
  expect(JSON.stringify(bundled)).not.toContain('common.yaml');
});
