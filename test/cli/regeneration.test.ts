/**
 * Regeneration is safe (issue 3): --check, stub merging, orphans, determinism, bad input.
 * Every scenario runs the real CLI on a scratch copy of the repository's spec.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, scratch, snapshotTree, typecheck, write } from '../helpers/cli.js';
import { grow } from '../helpers/grow-spec.js';

async function generated(): Promise<{ dir: string; spec: string; out: string }> {
  const dir = scratch(['specs']);
  const run = await cli(['specs/system.yaml'], dir);
  expect(run.code).toBe(0);
  return { dir, spec: path.join(dir, 'specs/system.yaml'), out: path.join(dir, 'generated') };
}

const USER_BODY = "    return { action: 'system_echo', payload: { message: `mine: ${message.payload.message}` } };";

function fillStub(out: string): string {
  const file = path.join(out, 'system/consumer.ts');
  const filled = readFileSync(file, 'utf8')
    .replace('onUserMessage(_message: M.UserMessage', 'onUserMessage(message: M.UserMessage')
    .replace("    throw new Error('not implemented: SystemConsumer.onUserMessage');", USER_BODY)
    .replace(
      'export class SystemConsumer implements SystemHandlers {\n',
      'export class SystemConsumer implements SystemHandlers {\n  private count = 0; // user state\n\n  helper(): number {\n    return ++this.count;\n  }\n\n',
    );
  write(file, filled);
  return filled;
}

describe('stub merging', () => {
  it('keeps every user line in order, appends the new handler, and still compiles', async () => {
    const { dir, spec, out } = await generated();
    const filled = fillStub(out);
    expect(await cli(['specs/system.yaml', '--check'], dir)).toMatchObject({ code: 0 });

    write(spec, grow(readFileSync(spec, 'utf8')));
    const check = await cli(['specs/system.yaml', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('+  onTime(_message: M.TimeMessage, _ctx: SystemContext): M.TimeReply {');
    expect(readFileSync(path.join(out, 'system/consumer.ts'), 'utf8')).toBe(filled);

    const regen = await cli(['specs/system.yaml'], dir);
    expect(regen.code).toBe(0);
    expect(regen.stderr).toContain('appended onTime');
    const merged = readFileSync(path.join(out, 'system/consumer.ts'), 'utf8');
    const closing = filled.lastIndexOf('}');
    expect(merged.startsWith(filled.slice(0, closing).trimEnd())).toBe(true);
    expect(merged.endsWith(filled.slice(closing))).toBe(true);
    expect(merged).toContain(
      "onTime(_message: M.TimeMessage, _ctx: SystemContext): M.TimeReply {\n    throw new Error('not implemented: SystemConsumer.onTime');",
    );
    expect(merged).toContain(USER_BODY);
    expect(await typecheck(out)).toBe('');
    expect(await cli(['specs/system.yaml', '--check'], dir)).toMatchObject({ code: 0 });
  }, 120_000);

  it('reports a handler removed from the document and keeps its code; it is not drift', async () => {
    const { dir, spec, out } = await generated();
    const filled = fillStub(out);
    write(spec, readFileSync(spec, 'utf8').replace(/ {2}handle_ping:\n[\s\S]*?(?= {2}handle_system:)/, ''));
    const check = await cli(['specs/system.yaml', '--check'], dir);
    expect(check.stderr).toContain('generated/system/consumer.ts: onPing is no longer in the document; kept');
    const regen = await cli(['specs/system.yaml'], dir);
    expect(regen.code).toBe(0);
    expect(regen.stderr).toContain('onPing is no longer in the document; kept');
    expect(readFileSync(path.join(out, 'system/consumer.ts'), 'utf8')).toBe(filled);
    expect(readFileSync(path.join(out, 'system/handlers.ts'), 'utf8')).not.toContain('onPing');
  });

  it('recreates a deleted stub, and --check counts it as missing', async () => {
    const { dir, out } = await generated();
    rmSync(path.join(out, 'system/consumer.ts'));
    const check = await cli(['specs/system.yaml', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('missing: generated/system/consumer.ts');
    expect(existsSync(path.join(out, 'system/consumer.ts'))).toBe(false);
    expect((await cli(['specs/system.yaml'], dir)).code).toBe(0);
    expect(readFileSync(path.join(out, 'system/consumer.ts'), 'utf8')).toContain('export class SystemConsumer implements SystemHandlers');
  });

  it('counts a stub without its class as drift for --check (its handlers are all missing); a run keeps it and says why', async () => {
    const { dir, out } = await generated();
    write(path.join(out, 'system/consumer.ts'), 'garbage {{{ class\n');
    const check = await cli(['specs/system.yaml', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(
      'note: generated/system/consumer.ts: class SystemConsumer not found, so handlers cannot be checked or appended (onPing, onUserMessage)',
    );
    expect(check.stderr).toContain(
      'unchecked: generated/system/consumer.ts\nchanx-gen: generated/ has drifted from specs/system.yaml: 1 stub without its class',
    );
    const run = await cli(['specs/system.yaml'], dir);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(out, 'system/consumer.ts'), 'utf8')).toBe('garbage {{{ class\n');
    expect((await cli(['specs/system.yaml', '--check'], dir)).code).toBe(1);
  });
});

describe('--check', () => {
  it('is 0 on a fresh tree and does not count edits inside handler bodies', async () => {
    const { dir, out } = await generated();
    fillStub(out);
    const check = await cli(['specs/system.yaml', '--check'], dir);
    expect(check).toMatchObject({ code: 0, stderr: '' });
  });

  it.each([
    [
      'a hand-edited generated file',
      (out: string) =>
        write(path.join(out, 'system/router.ts'), readFileSync(path.join(out, 'system/router.ts'), 'utf8').replace("case 'ping':", "case 'pong':")),
      'differs: generated/system/router.ts',
      "-    case 'pong':",
    ],
    [
      'a deleted generated file',
      (out: string) => rmSync(path.join(out, 'system/messages.ts')),
      'missing: generated/system/messages.ts',
      '+++ b/generated/system/messages.ts',
    ],
    [
      'an orphaned generated file',
      (out: string) => write(path.join(out, 'old/router.ts'), '// @generated by chanx-gen from x. Do not edit.\nexport {};\n'),
      'orphaned: generated/old/router.ts',
      '+++ /dev/null',
    ],
  ])('catches %s, prints a unified diff, and writes nothing', async (_name, damage, summary, diffLine) => {
    const { dir, out } = await generated();
    damage(out);
    const before = snapshotTree(dir);
    const check = await cli(['specs/system.yaml', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(summary);
    expect(check.stdout).toContain(diffLine);
    expect(check.stdout).toMatch(/^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/m);
    expect(snapshotTree(dir)).toEqual(before);
  });
});

describe('generation', () => {
  it('tells a new user which stub is theirs, once', async () => {
    const dir = scratch(['specs']);
    const first = await cli(['specs/system.yaml'], dir);
    expect(first.stdout).toContain('created generated/system/consumer.ts: yours to fill in (onPing, onUserMessage)');
    expect((await cli(['specs/system.yaml'], dir)).stdout).not.toContain('created');
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await cli(['--version'], scratch())).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('removes orphaned generated files and never touches files without the header', async () => {
    const { dir, out } = await generated();
    write(path.join(out, 'gone/router.ts'), '// @generated by chanx-gen from specs/old.yaml. Do not edit.\nexport {};\n');
    write(path.join(out, 'mine/helpers.ts'), 'export const mine = 1;\n');
    const regen = await cli(['specs/system.yaml'], dir);
    expect(regen.stdout).toContain('1 removed');
    expect(existsSync(path.join(out, 'gone'))).toBe(false);
    expect(readFileSync(path.join(out, 'mine/helpers.ts'), 'utf8')).toBe('export const mine = 1;\n');
  });

  it('refuses to overwrite a file it did not generate', async () => {
    const { dir, out } = await generated();
    write(path.join(out, 'server.ts'), 'my own server\n');
    const regen = await cli(['specs/system.yaml'], dir);
    expect(regen.code).toBe(2);
    expect(regen.stderr).toContain('generated/server.ts: error: exists but was not generated by chanx-gen');
    expect(readFileSync(path.join(out, 'server.ts'), 'utf8')).toBe('my own server\n');
  });

  it('gives identical bytes on a second run and in another folder', async () => {
    const a = await generated();
    const first = snapshotTree(a.out);
    expect((await cli(['specs/system.yaml'], a.dir)).stdout).toContain('0 added, 0 updated, 0 removed, 11 unchanged');
    expect(snapshotTree(a.out)).toEqual(first);
    const b = await generated();
    expect(snapshotTree(b.out)).toEqual(first);
  });

  it('gives the same bytes whatever the order of keys in the document', async () => {
    const a = await generated();
    const b = await generated();
    const reordered = readFileSync(b.spec, 'utf8').replace(/( {2}handle_ping:\n[\s\S]*?)( {2}handle_system:\n[\s\S]*?)( {2}system_notify:)/, '$2$1$3');
    expect(reordered).not.toBe(readFileSync(b.spec, 'utf8'));
    write(b.spec, reordered);
    // The served document (documents.ts) is the document as written, in its author's order; the code is not.
    expect((await cli(['specs/system.yaml'], b.dir)).stdout).toContain('0 added, 1 updated, 0 removed, 10 unchanged');
    const code = (tree: Record<string, string>) => Object.fromEntries(Object.entries(tree).filter(([file]) => file !== 'documents.ts'));
    expect(code(snapshotTree(b.out))).toEqual(code(snapshotTree(a.out)));
    expect(Object.keys(snapshotTree(b.out))).toContain('documents.ts');
  });
});

describe('bad input: exit 2, a location, nothing written', () => {
  it.each([
    ['broken YAML', 'asyncapi: 3.0.0\ninfo: { title: t\n', /^specs\/bad\.yaml:\d+:\d+: error: Unexpected end of the stream within a flow collection/m],
    [
      'a document that is not AsyncAPI',
      'openapi: 3.1.0\ninfo: { title: t, version: "1" }\n',
      /^specs\/bad\.yaml:1:1: error: This is not an AsyncAPI document/m,
    ],
    [
      'a dangling local $ref',
      'asyncapi: 3.0.0\ninfo: { title: t, version: "1" }\ncomponents:\n  schemas:\n    A: { $ref: "./nowhere.yaml#/A" }\n',
      /^specs\/bad\.yaml:5:\d+: error: ENOENT: no such file or directory, open '.*nowhere\.yaml'/m,
    ],
    [
      'a dangling internal $ref',
      'asyncapi: 3.0.0\ninfo: { title: t, version: "1" }\ncomponents:\n  schemas:\n    A: { $ref: "#/components/schemas/B" }\n',
      /^specs\/bad\.yaml:5:\d+: error: .*B/m,
    ],
    [
      'a remote $ref',
      'asyncapi: 3.0.0\ninfo: { title: t, version: "1" }\ncomponents:\n  schemas:\n    A: { $ref: "https://example.com/a.yaml" }\n',
      /^specs\/bad\.yaml:5:10: error: \$ref 'https:\/\/example\.com\/a\.yaml' points to a remote document/m,
    ],
    ['an invalid AsyncAPI document', 'asyncapi: 3.0.0\ninfo: { title: t }\n', /^specs\/bad\.yaml:2:\d+: error: .*version/m],
  ])('%s', async (_name, text, located) => {
    const { dir } = await generated();
    write(path.join(dir, 'specs/bad.yaml'), text);
    const before = snapshotTree(dir);
    for (const args of [['specs/bad.yaml'], ['specs/bad.yaml', '--check'], ['specs/bad.yaml', '-o', 'elsewhere']]) {
      const run = await cli(args, dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(located);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr).toMatch(/chanx-gen: \d+ errors?; nothing written\n$/);
    }
    expect(snapshotTree(dir)).toEqual(before);
  });

  it('refuses a remote $ref with blanks in front or a tab inside, as the parser reads it, and fetches nothing', async () => {
    // The parser's resolver drops them (src/load/source-files.ts) and fetches what is left.
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.end('type: string\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const dir = scratch();
      for (const ref of [` http://${host}/space.yaml`, `\thttp://${host}/tab.yaml`, `\u00a0\nhttp://${host}/nbsp.yaml`, `ht\ttp://${host}/inside.yaml`]) {
        write(
          path.join(dir, 'api.yaml'),
          `asyncapi: 3.0.0\ninfo: { title: t, version: "1" }\ncomponents:\n  schemas:\n    A: { $ref: ${JSON.stringify(ref)} }\n`,
        );
        const run = await cli(['api.yaml'], dir);
        expect({ ref, code: run.code }).toEqual({ ref, code: 2 });
        expect(run.stderr).toMatch(/^api\.yaml:5:10: error: \$ref '[^']*' points to a remote document; chanx-gen never fetches/m);
      }
      expect(existsSync(path.join(dir, 'generated'))).toBe(false);
    } finally {
      server.close();
    }
    expect(requests).toEqual([]);
  });

  it('says a problem in a shared object once, where it is first met, in line order', async () => {
    const dir = scratch();
    write(
      path.join(dir, 'api.yaml'),
      `asyncapi: 3.0.0
info: { title: t, version: '1' }
channels:
  c:
    address: /c
    messages:
      m: { payload: { type: object, properties: { n: { type: integer, minimum: low } } } }
operations:
  r:
    action: receive
    channel: { $ref: '#/channels/c' }
    messages: [{ $ref: '#/channels/c/messages/m' }]
    bogus: 1
`,
    );
    const run = await cli(['api.yaml'], dir);
    expect(run.code).toBe(2);
    const errors = run.stderr.split('\n').filter((l) => l.includes(': error: '));
    expect(errors.filter((l) => l.includes('must be number'))).toEqual([
      'api.yaml:7:80: error: "minimum" property type must be number (at channels.c.messages.m.payload.properties.n.minimum)',
    ]);
    expect(errors.some((l) => l.startsWith('api.yaml:13:12: error: Property "bogus" is not expected to be here'))).toBe(true);
    const lines = errors.map((l) => Number(l.split(':')[1]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('a missing spec file is a one-line error', async () => {
    const run = await cli(['specs/none.yaml'], scratch());
    expect(run).toMatchObject({ code: 2, stderr: 'specs/none.yaml: error: no such file\nchanx-gen: 1 error; nothing written\n' });
  });

  it.each([[['--nope', 'x.yaml']], [[]], [['a.yaml', '--check', '--watch']]])('bad flags %j exit 2', async (args) => {
    expect((await cli(args, scratch())).code).toBe(2);
  });
});

describe('--check with a warm cache (node_modules/.cache/chanx-gen)', () => {
  async function warm(): Promise<{ dir: string; spec: string; out: string }> {
    const dir = scratch(['specs']);
    mkdirSync(path.join(dir, 'node_modules'));
    expect((await cli(['specs/system.yaml'], dir)).code).toBe(0);
    expect(readdirSync(path.join(dir, 'node_modules/.cache/chanx-gen'))).toHaveLength(1);
    return { dir, spec: path.join(dir, 'specs/system.yaml'), out: path.join(dir, 'generated') };
  }

  it('says up to date for an unchanged tree, and for a stub whose bodies were filled in', async () => {
    const { dir, out } = await warm();
    expect(await cli(['specs/system.yaml', '--check'], dir)).toMatchObject({ code: 0, stderr: '' });
    fillStub(out);
    expect(await cli(['specs/system.yaml', '--check'], dir)).toMatchObject({ code: 0, stderr: '' });
  });

  it.each([
    [
      'a hand edit',
      (d: { out: string }) => write(path.join(d.out, 'system/router.ts'), `${readFileSync(path.join(d.out, 'system/router.ts'), 'utf8')}// edited\n`),
    ],
    ['a deleted file', (d: { out: string }) => rmSync(path.join(d.out, 'system/handlers.ts'))],
    ['an orphan', (d: { out: string }) => write(path.join(d.out, 'x/router.ts'), '// @generated by chanx-gen from x. Do not edit.\n')],
    [
      'a stub that lost a handler',
      (d: { out: string }) =>
        write(path.join(d.out, 'system/consumer.ts'), readFileSync(path.join(d.out, 'system/consumer.ts'), 'utf8').replace('onPing(', 'onPingX(')),
    ],
    ['a changed spec', (d: { spec: string }) => write(d.spec, grow(readFileSync(d.spec, 'utf8')))],
  ])('still catches %s', async (_name, damage) => {
    const d = await warm();
    damage(d);
    expect((await cli(['specs/system.yaml', '--check'], d.dir)).code).toBe(1);
  });

  it('does not vouch for another output folder or other options', async () => {
    const { dir } = await warm();
    expect((await cli(['specs/system.yaml', '--check', '-o', 'other'], dir)).code).toBe(1);
    expect((await cli(['specs/system.yaml', '--check', '--discriminator', 'type'], dir)).code).toBe(2);
  });
});

describe('a failure while writing', () => {
  it('names the file that -o names when it is not a folder', async () => {
    const dir = scratch(['specs']);
    write(path.join(dir, 'out.txt'), 'mine\n');
    const run = await cli(['specs/system.yaml', '-o', 'out.txt'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^out\.txt: error: is a file, where chanx-gen needs a folder \(to write out\.txt\/[\w./-]+\)$/m);
    expect(readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('mine\n');
  });

  it('is a located error, leaves no temporary files, and writes nothing', async () => {
    const dir = scratch(['specs']);
    write(path.join(dir, 'generated/system'), 'a file where a folder must go\n');
    const before = snapshotTree(dir);
    const run = await cli(['specs/system.yaml'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^generated\/system: error: is a file, where chanx-gen needs a folder \(to write generated\/system\/[\w.-]+\.ts\)$/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(snapshotTree(dir)).toEqual(before);
  });
});
