/**
 * The suite's type-check server (test/helpers/tsc.ts) stands in for tsc in every compile test, whose
 * pass is an empty answer: it must say what tsc says. Held to the real tsc, run as a process, on a
 * program with errors in its own file (a wrong type, an unused @ts-expect-error) and in a declaration
 * file it imports (checked, as skipLibCheck is off), and on the same program fixed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, scratch } from '../helpers/cli.js';
import { tsc, type TscRun } from '../helpers/tsc.js';

function realTsc(args: string[], cwd: string): TscRun {
  try {
    const output = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), ...args], { cwd, encoding: 'utf8' });
    return { code: 0, output };
  } catch (err) {
    const failed = err as { status: number; stdout: string };
    return { code: failed.status, output: failed.stdout };
  }
}

it('answers as tsc does: the same errors in the same words, and nothing for a correct program', { timeout: 120_000 }, async () => {
  const dir = scratch();
  const args = ['-p', 'tsconfig.json'];
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    // No @types/node: a real tsc run costs seconds of the suite's CPU with it, and it adds nothing here.
    JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, types: [] }, include: ['.'] }),
  );
  writeFileSync(path.join(dir, 'shapes.d.ts'), 'export interface Shape { sides: number }\nexport declare const broken: Missing;\n');
  const main = path.join(dir, 'main.ts');
  writeFileSync(
    main,
    "import type { Shape } from './shapes.js';\nconst s: Shape = { sides: 'three' };\n// @ts-expect-error\nconst n: number = 1;\nexport { s, n };\n",
  );
  const wrong = realTsc(args, dir);
  expect(wrong.code).not.toBe(0);
  expect(wrong.output).toMatch(/main\.ts.*TS2322[\s\S]*main\.ts.*TS2578[\s\S]*shapes\.d\.ts.*TS2304/);
  expect(await tsc(args, dir)).toEqual(wrong);

  writeFileSync(path.join(dir, 'shapes.d.ts'), 'export interface Shape { sides: number }\n');
  writeFileSync(main, "import type { Shape } from './shapes.js';\nconst s: Shape = { sides: 3 };\nexport { s };\n");
  expect(await tsc(args, dir)).toEqual({ code: 0, output: '' }); // what tsc says of a correct program
});

it('checks a declaration file again when a file it imports changes, or one the run names declares a global', { timeout: 120_000 }, async () => {
  const dir = scratch();
  const args = ['-p', 'tsconfig.json'];
  // Only main.ts is named, so dep/*.d.ts are declaration files the server keeps checks of. No lib:
  // globals.d.ts holds the global types the checker needs, which keeps both tsc runs small.
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true, noEmit: true, noLib: true, types: [] }, files: ['globals.d.ts', 'main.ts'] }),
  );
  writeFileSync(
    path.join(dir, 'globals.d.ts'),
    ['Array<T>', 'Boolean', 'CallableFunction', 'Function', 'IArguments', 'NewableFunction', 'Number', 'Object', 'RegExp', 'String']
      .map((t) => `interface ${t} {}\n`)
      .join(''),
  );
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const dep = path.join(dir, 'dep');
  mkdirSync(dep);
  writeFileSync(
    path.join(dep, 'a.d.ts'),
    "import type { B } from './b.js';\ntype OnlyString<T extends string> = T;\nexport type A = OnlyString<B>;\nexport declare const extra: Extra;\n",
  );
  const main = path.join(dir, 'main.ts');
  const uses = "import type { A } from './dep/a.js';\nexport const v: A | undefined = undefined;\n";
  const answers: TscRun[] = [];
  for (const [b, mainText] of [
    ['export type B = string;\n', uses], // a.d.ts: Extra is not declared
    ['export type B = number;\n', uses], // a.d.ts unchanged, b.d.ts breaks it too
    ['export type B = number;\n', `${uses}declare global {\n  interface Extra {}\n}\n`], // main.ts declares Extra
  ] as const) {
    writeFileSync(path.join(dep, 'b.d.ts'), b);
    writeFileSync(main, mainText);
    const real = realTsc(args, dir);
    expect(await tsc(args, dir)).toEqual(real);
    answers.push(real);
  }
  expect(answers.map((a) => a.output.match(/^dep\/a\.d\.ts\(\d+,\d+\): error TS\d+/gm))).toEqual([
    ['dep/a.d.ts(4,29): error TS2304'],
    ['dep/a.d.ts(3,28): error TS2344', 'dep/a.d.ts(4,29): error TS2304'],
    ['dep/a.d.ts(3,28): error TS2344'],
  ]);
});
