/**
 * The suite's type-check server (test/helpers/tsc.ts) stands in for tsc in every compile test, whose
 * pass is an empty answer: it must say what tsc says. Held to the real tsc, run as a process, on a
 * program with errors in its own file (a wrong type, an unused @ts-expect-error) and in a declaration
 * file it imports (checked, as skipLibCheck is off), and on the same program fixed.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
