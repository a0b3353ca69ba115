/**
 * How handlers the document gained land in the user's class (DESIGN §6): at the end of the class
 * body, every existing byte kept, the result valid TypeScript, whatever shape the body has.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StubFile } from '../../src/emit/generated-file.js';
import { formerHandlers, mergeStub } from '../../src/write/merge-stub.js';
import { cli, scratch, typecheck, write } from '../helpers/cli.js';

const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');

function stub(methods: string[], className = 'C'): StubFile {
  return { kind: 'stub', path: 'c/consumer.ts', content: '', className, methods: methods.map((name) => ({ name, text: `  ${name}(): void {}` })) };
}

/** What the TypeScript parser objects to in `text` (empty: it is valid syntax). */
function syntaxErrors(text: string): string[] {
  const out = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('appending to a class whose body is empty', () => {
  it.each([
    ['on one line', 'export class C extends Base {}\n', 'export class C extends Base {\n  onPing(): void {}\n\n  onTime(): void {}\n}\n'],
    [
      'on one line, with braces in its heritage clause',
      'export class C extends Base<{ a: 1 }> implements H<{ b: 2 }> {}\n',
      'export class C extends Base<{ a: 1 }> implements H<{ b: 2 }> {\n  onPing(): void {}\n\n  onTime(): void {}\n}\n',
    ],
    ['over two lines', 'export class C {\n}\n', 'export class C {\n  onPing(): void {}\n\n  onTime(): void {}\n}\n'],
    [
      'holding only a line comment',
      'export class C {\n  // handlers go here\n}\n',
      'export class C {\n  onPing(): void {}\n\n  onTime(): void {}\n  // handlers go here\n}\n',
    ],
    [
      'holding only a block comment, on one line',
      'export class C { /* nothing yet */ }\n',
      'export class C {\n  onPing(): void {}\n\n  onTime(): void {}\n /* nothing yet */ }\n',
    ],
    [
      'after other code, without a final newline',
      'import { Base } from "./base";\n\nexport class C extends Base {}',
      'import { Base } from "./base";\n\nexport class C extends Base {\n  onPing(): void {}\n\n  onTime(): void {}\n}',
    ],
  ])('%s', (_name, text, expected) => {
    const merged = mergeStub(text, stub(['onPing', 'onTime']));
    expect(merged).toEqual({ content: expected, added: ['onPing', 'onTime'], removed: [] });
    expect(syntaxErrors(merged.content)).toEqual([]);
  });
});

describe('appending to a class with members', () => {
  it('puts the new handlers after the last member, a blank line before each, and keeps what follows', () => {
    const text = 'export class C {\n  helper(): number {\n    return 1;\n  }\n  // the end\n}\n\nexport const after = 1;\n';
    const merged = mergeStub(text, stub(['helper', 'onPing', 'onTime']));
    expect(merged).toEqual({
      content:
        'export class C {\n  helper(): number {\n    return 1;\n  }\n\n  onPing(): void {}\n\n  onTime(): void {}\n  // the end\n}\n\nexport const after = 1;\n',
      added: ['onPing', 'onTime'],
      removed: [],
    });
    expect(syntaxErrors(merged.content)).toEqual([]);
  });

  it('counts a handler declared under a computed literal name as present: no duplicate is appended', () => {
    const text = "export class C {\n  ['onPing'](): void {}\n  [`onTime`] = (): void => {};\n}\n";
    expect(mergeStub(text, stub(['onPing', 'onTime']))).toEqual({ content: text, added: [], removed: [] });
  });

  it("appends only what is missing, in the document's order", () => {
    const text = 'export class C {\n  onTime(): void {}\n}\n';
    expect(mergeStub(text, stub(['onAlpha', 'onTime', 'onBeta'])).content).toBe(
      'export class C {\n  onTime(): void {}\n\n  onAlpha(): void {}\n\n  onBeta(): void {}\n}\n',
    );
  });
});

describe('what mergeStub reports', () => {
  it('names the class it cannot find and every handler it could not check', () => {
    const text = 'export class Other {}\n';
    expect(mergeStub(text, stub(['onPing', 'onTime']))).toEqual({
      content: text,
      added: [],
      removed: [],
      problem: 'class C not found, so handlers cannot be checked or appended (onPing, onTime)',
    });
  });

  it('reports handler-like methods the document no longer has, alongside what it appends', () => {
    const text = 'export class C {\n  onZed(): void {}\n  onOld(): void {}\n}\n';
    const merged = mergeStub(text, stub(['onPing']));
    expect(merged.added).toEqual(['onPing']);
    expect(merged.removed).toEqual(['onOld', 'onZed']);
  });
});

describe('formerHandlers', () => {
  it('lists, sorted, the onX methods not wanted, but neither hooks nor other names that merely contain "on"', () => {
    const present = [
      'onZed',
      'jsonBody',
      'onConnect',
      'onDisconnect',
      'onSubscribe',
      'onUnsubscribe',
      'onAlpha',
      'once',
      'online',
      'on_legacy',
      'on2',
      'onPing',
      'buttonOnClick',
      'onConnected',
      'onSubscribeAll',
    ];
    expect(formerHandlers(present, ['onPing'])).toEqual(['on2', 'onAlpha', 'onConnected', 'onSubscribeAll', 'onZed', 'on_legacy']);
  });
});

describe('a stub emptied by its user (chanx-gen specs/system.yaml)', () => {
  it('gets every handler back inside the braces, keeps every other byte, and compiles', async () => {
    const dir = scratch(['specs']);
    expect((await cli(['specs/system.yaml'], dir)).code).toBe(0);
    const file = path.join(dir, 'generated/system/consumer.ts');
    const original = readFileSync(file, 'utf8');
    const head = original.slice(0, original.indexOf('export class SystemConsumer'));
    const emptied = `${head}// kept\nexport class SystemConsumer implements SystemHandlers {}\n// after\n`;
    write(file, emptied);

    const regen = await cli(['specs/system.yaml'], dir);
    expect(regen.code).toBe(0);
    expect(regen.stderr).toBe('note: generated/system/consumer.ts: appended onPing, onUserMessage\n');
    const merged = readFileSync(file, 'utf8');
    expect(merged.startsWith(`${head}// kept\nexport class SystemConsumer implements SystemHandlers {\n  /**\n   * Handle ping requests`)).toBe(true);
    expect(merged).toContain('  onPing(_message: M.PingMessage, _ctx: SystemContext): M.PongMessage {\n');
    expect(merged.endsWith("SystemConsumer.onUserMessage');\n  }\n}\n// after\n")).toBe(true);
    expect(await typecheck(path.join(dir, 'generated'))).toBe('');
    expect(await cli(['specs/system.yaml', '--check'], dir)).toMatchObject({ code: 0, stderr: '' });
  }, 120_000);
});

describe('the imports an appended method needs', () => {
  const needs = [
    { name: 'ChatContext', line: "import type { ChatContext } from './handlers.js';" },
    { name: 'M', line: "import type * as M from './messages.js';" },
  ];
  const withImports = (methods: string[]): StubFile => ({ ...stub(methods), imports: needs });

  it('are added after the last import when a stub made without handlers gains one', () => {
    const text = "// yours\nimport type { ChatHandlers } from './handlers.js';\n\nexport class C implements ChatHandlers {}\n";
    expect(mergeStub(text, withImports(['onPing'])).content).toBe(
      "// yours\nimport type { ChatHandlers } from './handlers.js';\nimport type { ChatContext } from './handlers.js';\nimport type * as M from './messages.js';\n\nexport class C implements ChatHandlers {\n  onPing(): void {}\n}\n",
    );
  });

  it('are not added again when the file has them, under any import form, or declares the name', () => {
    const text = "import type { ChatContext, ChatHandlers } from './handlers.js';\nimport * as M from './messages.js';\n\nexport class C {}\n";
    expect(mergeStub(text, withImports(['onPing'])).content).toBe(`${text.replace('{}', '{\n  onPing(): void {}\n}')}`);
    const declared = "type ChatContext = unknown;\nimport type * as M from './other.js';\nexport class C {}\n";
    expect(mergeStub(declared, withImports(['onPing'])).content).not.toContain('./handlers.js');
  });

  it('go above the first statement of a file with no import, and nothing is added when nothing is appended', () => {
    const text = '// header\nexport class C {}\n';
    expect(mergeStub(text, withImports(['onPing'])).content).toBe(
      "// header\nimport type { ChatContext } from './handlers.js';\nimport type * as M from './messages.js';\n\nexport class C {\n  onPing(): void {}\n}\n",
    );
    const full = 'export class C {\n  onPing(): void {}\n}\n';
    expect(mergeStub(full, withImports(['onPing'])).content).toBe(full);
  });
});

it('counts onEvent as a hook, never as a handler the document lost', () => {
  expect(formerHandlers(['onEvent', 'onConnect', 'onGone'], [])).toEqual(['onGone']);
});
