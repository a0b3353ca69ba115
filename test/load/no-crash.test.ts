/**
 * No crash on any input (issue #12): whatever the bytes of the spec or of what it references,
 * chanx-gen (the real process) exits 2 with a located error or generates; never a stack trace,
 * never a hang.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_BYTES } from '../../src/load/source-files.js';
import { ROOT, scratch, write } from '../helpers/cli.js';
import { seeded } from './mutations.js';

const BIN = path.join(ROOT, 'bin/chanx-gen.js');
const VALID = `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  chat:
    address: /ws/chat
    messages:
      say: { payload: { type: object, properties: { action: { const: say } } } }
operations:
  say: { action: receive, channel: { $ref: '#/channels/chat' }, messages: [{ $ref: '#/channels/chat/messages/say' }] }
`;
const withPayload = (payload: string) => VALID.replace('{ type: object, properties: { action: { const: say } } }', payload);

interface Outcome {
  code: number | null;
  stderr: string;
  killed: boolean;
}

function chanxGen(dir: string, spec: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, spec, '-o', 'out'], { cwd: dir, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stderr, killed: err?.killed === true });
    });
  });
}

const cases: [string, (dir: string) => string][] = [
  [
    'binary bytes',
    (dir) => {
      const random = seeded(7);
      const bytes = Buffer.alloc(64 * 1024, 0).map(() => Math.floor(random() * 256));
      writeFileSync(path.join(dir, 'spec.yaml'), bytes);
      return 'spec.yaml';
    },
  ],
  [
    'a file larger than chanx-gen reads',
    (dir) => {
      writeFileSync(path.join(dir, 'spec.yaml'), VALID);
      truncateSync(path.join(dir, 'spec.yaml'), MAX_INPUT_BYTES + 1);
      return 'spec.yaml';
    },
  ],
  [
    'flow collections nested 100,000 deep',
    (dir) => (write(path.join(dir, 'spec.yaml'), `${VALID}x-deep: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`), 'spec.yaml'),
  ],
  [
    'block mappings nested 5,000 deep',
    (dir) => (
      write(path.join(dir, 'spec.yaml'), `${VALID}x-deep:\n${Array.from({ length: 5_000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} 1\n`), 'spec.yaml'
    ),
  ],
  [
    'a schema nested 3,000 deep',
    (dir) => (
      write(path.join(dir, 'spec.yaml'), withPayload(`${'{ type: object, properties: { a: '.repeat(3_000)}{ type: string }${' } }'.repeat(3_000)}`)),
      'spec.yaml'
    ),
  ],
  ['a dangling alias', (dir) => (write(path.join(dir, 'spec.yaml'), `${VALID}x-a: *nowhere\n`), 'spec.yaml')],
  ['a merge key from a dangling alias', (dir) => (write(path.join(dir, 'spec.yaml'), `${VALID}x-a:\n  <<: *nowhere\n  b: 1\n`), 'spec.yaml')],
  [
    '$ref cycles through files',
    (dir) => {
      write(path.join(dir, 'a.yaml'), "A: { type: object, properties: { b: { $ref: './b.yaml#/B' } } }\n");
      write(path.join(dir, 'b.yaml'), "B: { type: object, properties: { a: { $ref: './a.yaml#/A' } } }\n");
      write(path.join(dir, 'c.yaml'), "C: { $ref: './d.yaml#/D' }\n");
      write(path.join(dir, 'd.yaml'), "D: { $ref: './c.yaml#/C' }\n");
      write(
        path.join(dir, 'spec.yaml'),
        withPayload("{ type: object, properties: { action: { const: say }, x: { $ref: './a.yaml#/A' }, y: { $ref: './c.yaml#/C' } } }"),
      );
      return 'spec.yaml';
    },
  ],
  ['a $ref to a folder', (dir) => (mkdirSync(path.join(dir, 'sub')), write(path.join(dir, 'spec.yaml'), withPayload("{ $ref: './sub' }")), 'spec.yaml')],
  ['a $ref to a device', (dir) => (write(path.join(dir, 'spec.yaml'), withPayload("{ $ref: '/dev/zero' }")), 'spec.yaml')],
  ['a $ref to a file that is not there', (dir) => (write(path.join(dir, 'spec.yaml'), withPayload("{ $ref: './missing.yaml#/X' }")), 'spec.yaml')],
  ['a spec that is a device', () => '/dev/zero'],
  ['a spec that is a folder', (dir) => (mkdirSync(path.join(dir, 'folder')), 'folder')],
  ['an empty spec', (dir) => (write(path.join(dir, 'spec.yaml'), ''), 'spec.yaml')],
  ['a spec that is a list', (dir) => (write(path.join(dir, 'spec.json'), '[1, 2, 3]'), 'spec.json')],
  ['a spec with NUL bytes and a BOM', (dir) => (write(path.join(dir, 'spec.yaml'), `\uFEFF${VALID}x-n: "\0"\n\0\0`), 'spec.yaml')],
];

it('says how large a file over the limit is, in bytes (in MiB it would round to the limit)', async () => {
  const dir = scratch();
  writeFileSync(path.join(dir, 'spec.yaml'), VALID);
  truncateSync(path.join(dir, 'spec.yaml'), MAX_INPUT_BYTES + 1);
  const run = await chanxGen(dir, 'spec.yaml');
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(
    `spec.yaml: error: is ${(MAX_INPUT_BYTES + 1).toLocaleString('en-US')} bytes; chanx-gen reads inputs of up to 32 MiB (${MAX_INPUT_BYTES.toLocaleString('en-US')} bytes)`,
  );
}, 90_000);

describe('no crash on any input', () => {
  it.each(cases)(
    '%s: exit 2 with a located error, or generated',
    async (_name, make) => {
      const dir = scratch();
      const spec = make(dir);
      const run = await chanxGen(dir, spec);
      expect(run.killed).toBe(false);
      expect(run.stderr).not.toMatch(/\n\s+at \S.*:\d+:\d+\)?\n/);
      expect([0, 2]).toContain(run.code);
      if (run.code === 2) expect(run.stderr).toMatch(/^[^\s:][^:\n]*(:\d+:\d+)?: error: \S/m);
    },
    90_000,
  );
});
