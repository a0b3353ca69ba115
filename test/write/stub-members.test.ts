/**
 * "Does the user's class already have this handler?" is decided by the TypeScript parse of the
 * class, never by a text match (issue 14): a name seen as text elsewhere in consumer.ts must not stop
 * the handler from being appended, and --check (with or without its cache) must not call such a
 * stub up to date. Regeneration then produces code that compiles.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StubFile } from '../../src/emit/generated-file.js';
import { parseClass } from '../../src/write/class-members.js';
import { mergeStub } from '../../src/write/merge-stub.js';
import { cli, scratch, TSC_SKIPPED, typecheck, write } from '../helpers/cli.js';
import { grow } from '../helpers/grow-spec.js';

const ON_TIME = "  onTime(_message: M.TimeMessage, _ctx: SystemContext): M.TimeReply {\n    throw new Error('not implemented');\n  }";

function stub(methods: string[]): StubFile {
  return { kind: 'stub', path: 'c/consumer.ts', content: '', className: 'C', methods: methods.map((name) => ({ name, text: `  ${name}(): void {}` })) };
}

describe('mergeStub decides from the class syntax', () => {
  it.each([
    ['an object key in a field initialiser (the issue case)', 'export class C {\n  onPing(): void {}\n  private counts = {\n    onTime: 0,\n  };\n}\n'],
    ['a line of a multi-line template literal', 'export class C {\n  onPing(): void {}\n  help = `\nonTime(message) answers the time\n`;\n}\n'],
    ['a method of another class in the file', 'class Helper {\n  onTime(): void {}\n}\nexport class C {\n  onPing(): void {}\n}\n'],
    ['a method of an object returned by a method', 'export class C {\n  onPing(): void {}\n  handlers() {\n    return {\n      onTime() {},\n    };\n  }\n}\n'],
  ])('appends a handler named only in %s', (_name, text) => {
    const merged = mergeStub(text, stub(['onPing', 'onTime']));
    expect(merged.added).toEqual(['onTime']);
    expect(parseClass(merged.content, 'C').members).toContain('onTime');
    expect(merged.content.startsWith(text.slice(0, text.lastIndexOf('}')).trimEnd())).toBe(true);
  });

  it.each([
    ['a method', 'export class C {\n  onTime(): void {}\n}\n'],
    ['an async method with modifiers', 'export class C {\n  public async onTime(): Promise<void> {}\n}\n'],
    ['an arrow-function property', 'export class C {\n  onTime = (): void => {};\n}\n'],
    ['a method on the same line as the brace', 'export class C { onTime(): void {} }\n'],
  ])('counts %s as present and appends nothing', (_name, text) => {
    expect(mergeStub(text, stub(['onTime']))).toEqual({ content: text, added: [], removed: [] });
  });

  it('answers the same from its memory of the same bytes as from a parse', () => {
    const text = 'export class C {\n  onPing(): void {}\n  x = {\n    onTime: 0,\n  };\n}\n';
    const first = mergeStub(text, stub(['onPing', 'onTime']));
    expect(mergeStub(text, stub(['onPing', 'onTime']))).toEqual(first);
    expect(mergeStub(text, stub(['onPing']))).toEqual({ content: text, added: [], removed: [] });
  });

  it('reports a class it cannot find instead of appending anywhere', () => {
    const text = 'export class Other {\n  onPing(): void {}\n}\n';
    const merged = mergeStub(text, stub(['onPing']));
    expect(merged.content).toBe(text);
    expect(merged.added).toEqual([]);
    expect(merged.problem).toContain('class C not found');
  });
});

/** The user's stub with an `onTime: 0,` key at the start of a line inside a field initialiser. */
function mentionOnTime(out: string): string {
  const file = path.join(out, 'system/consumer.ts');
  const text = readFileSync(file, 'utf8').replace(
    'export class SystemConsumer implements SystemHandlers {\n',
    'export class SystemConsumer implements SystemHandlers {\n  private seen = {\n    onTime: 0,\n    onPing: 0,\n  };\n\n',
  );
  write(file, text);
  return text;
}

describe.each([
  ['without a cache', false],
  ['with a warm cache', true],
])('a handler the document gains, named as text in consumer.ts (%s)', (_name, warmCache) => {
  async function setUp(): Promise<{ dir: string; spec: string; out: string }> {
    const dir = scratch(['specs']);
    if (warmCache) mkdirSync(path.join(dir, 'node_modules'));
    expect((await cli(['specs/system.yaml'], dir)).code).toBe(0);
    return { dir, spec: path.join(dir, 'specs/system.yaml'), out: path.join(dir, 'generated') };
  }

  it('is appended on regeneration; --check reports the drift first and is clean only once it compiles', async () => {
    const { dir, spec, out } = await setUp();
    const mine = mentionOnTime(out);
    expect(await cli(['specs/system.yaml', '--check'], dir)).toMatchObject({ code: 0 });
    write(spec, grow(readFileSync(spec, 'utf8')));

    const check = await cli(['specs/system.yaml', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('+  onTime(_message: M.TimeMessage, _ctx: SystemContext): M.TimeReply {');
    expect(readFileSync(path.join(out, 'system/consumer.ts'), 'utf8')).toBe(mine);

    const regen = await cli(['specs/system.yaml'], dir);
    expect(regen.stderr).toContain('appended onTime');
    const merged = readFileSync(path.join(out, 'system/consumer.ts'), 'utf8');
    expect(merged).toContain(ON_TIME.replace("'not implemented'", "'not implemented: SystemConsumer.onTime'"));
    // The cache changes nothing in what is written: one compile (without it) is enough.
    if (!warmCache) expect(await typecheck(out)).toBe('');
    expect(await cli(['specs/system.yaml', '--check'], dir)).toMatchObject({ code: 0 });
  }, 300_000);

  it('is drift when a handler method is renamed away and its name stays only as text', async () => {
    const { dir, out } = await setUp();
    expect((await cli(['specs/system.yaml', '--check'], dir)).code).toBe(0);
    const file = path.join(out, 'system/consumer.ts');
    mentionOnTime(out);
    write(file, readFileSync(file, 'utf8').replace('  onPing(_message', '  onPingOld(_message'));
    if (!TSC_SKIPPED && !warmCache) expect(await typecheck(out)).toContain("Property 'onPing' is missing");
    const check = await cli(['specs/system.yaml', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('+  onPing(');
  }, 300_000);
});
