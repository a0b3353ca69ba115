/**
 * `chanx-gen init` (issue 13): starts a project in an empty or an existing folder, never overwrites a
 * file, and leaves a configuration that `chanx-gen` alone then generates from. (The packaging test
 * runs the printed commands against the installed package.)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, scratch, snapshotTree, write } from '../helpers/cli.js';
import { NEXT_COMMANDS } from '../../src/init.js';

describe('chanx-gen init', () => {
  it('in an empty folder: the starter document, config, filled consumer and its test, tsconfig and scripts; then generation needs no arguments', async () => {
    const dir = scratch();
    const init = await cli(['init'], dir);
    expect(init.code).toBe(0);
    expect(Object.keys(snapshotTree(dir)).sort()).toEqual([
      'asyncapi.yaml',
      'chanx-gen.config.json',
      'generated/system/consumer.test.ts',
      'generated/system/consumer.ts',
      'package.json',
      'tsconfig.json',
    ]);
    expect(init.stdout).toContain(`Next:\n  ${NEXT_COMMANDS[0]}\n  ${NEXT_COMMANDS[1]}\n  ${NEXT_COMMANDS[2]}\n`);
    expect(readFileSync(path.join(dir, 'asyncapi.yaml'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'specs/system.yaml'), 'utf8'));
    expect(JSON.parse(readFileSync(path.join(dir, 'chanx-gen.config.json'), 'utf8'))).toEqual({ documents: [{ spec: 'asyncapi.yaml', out: 'generated' }] });
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      private: true,
      type: 'module',
      scripts: {
        generate: 'chanx-gen',
        build: 'tsc -b',
        start: 'node build/generated/server.js',
        test: 'chanx-gen -q && tsc -b && node --test build/generated/*/*.test.js',
      },
    });
    // Builds are incremental, their state kept in the build folder beside the output; a Node.js
    // server's lib (no DOM), and the libraries' .d.ts not checked again on every build.
    expect(JSON.parse(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')).compilerOptions).toMatchObject({
      outDir: 'build',
      incremental: true,
      lib: ['es2023'],
      skipLibCheck: true,
    });
    const consumer = readFileSync(path.join(dir, 'generated/system/consumer.ts'), 'utf8');
    expect(consumer).toContain('from asyncapi.yaml.');
    expect(consumer).toContain('🔧 System Echo: ');
    const starterTest = readFileSync(path.join(dir, 'generated/system/consumer.test.ts'), 'utf8');
    expect(starterTest).toBe(
      readFileSync(path.join(ROOT, 'generated/system/consumer.test.ts'), 'utf8').replace('from specs/system.yaml with', 'from asyncapi.yaml with'),
    );
    expect(starterTest).toContain('from asyncapi.yaml with consumer.ts.');

    const generate = await cli([], dir);
    expect(generate.code).toBe(0);
    expect(generate.stdout).toContain('generated/ from asyncapi.yaml: 9 added');
    expect(readFileSync(path.join(dir, 'generated/system/consumer.ts'), 'utf8')).toBe(consumer);
    expect(readFileSync(path.join(dir, 'generated/system/consumer.test.ts'), 'utf8')).toBe(starterTest);
    expect((await cli(['--check'], dir)).code).toBe(0);
  });

  it('never overwrites: a second run keeps every file as it is', async () => {
    const dir = scratch();
    expect((await cli(['init'], dir)).code).toBe(0);
    write(path.join(dir, 'asyncapi.yaml'), '# mine\n');
    const before = snapshotTree(dir);
    const again = await cli(['init'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('kept asyncapi.yaml (exists)');
    expect(again.stdout).toContain('kept the chanx-gen configuration that applies here');
    expect(again.stdout).not.toContain('consumer.ts'); // not the starter document any more: no starter consumer
    expect(again.stdout).toContain('kept tsconfig.json (exists)');
    expect(snapshotTree(dir)).toEqual(before);
  });

  it('writes no starter test beside a consumer.ts someone already has (the test is written for its own consumer)', async () => {
    const dir = scratch();
    write(path.join(dir, 'generated/system/consumer.ts'), '// mine\n');
    const init = await cli(['init'], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('kept generated/system/consumer.ts (exists)');
    expect(init.stdout).not.toContain('consumer.test.ts');
    expect(existsSync(path.join(dir, 'generated/system/consumer.test.ts'))).toBe(false);
    expect(readFileSync(path.join(dir, 'generated/system/consumer.ts'), 'utf8')).toBe('// mine\n');
  });

  it('in an existing project: adds only the scripts it lacks, keeps the indentation, and says what it left alone', async () => {
    const dir = scratch();
    write(path.join(dir, 'package.json'), '{\n    "name": "shop",\n    "scripts": {\n        "start": "node server.js"\n    }\n}\n');
    const init = await cli(['init', '--spec', 'api/events.yaml', '--out', 'src/ws'], dir);
    expect(init.code).toBe(0);
    const text = readFileSync(path.join(dir, 'package.json'), 'utf8');
    expect(text).toMatch(/^\{\n {4}"name": "shop",/);
    expect(JSON.parse(text).scripts).toEqual({
      start: 'node server.js',
      generate: 'chanx-gen',
      build: 'tsc -b',
      test: 'chanx-gen -q && tsc -b && node --test build/src/ws/*/*.test.js',
    });
    expect(init.stdout).toContain(`kept script 'start' ("node server.js"); chanx-gen's would be "node build/src/ws/server.js"`);
    expect(init.stdout).toContain('note: generated code is ESM: package.json needs "type": "module"');
    expect(JSON.parse(readFileSync(path.join(dir, 'chanx-gen.config.json'), 'utf8'))).toEqual({ documents: [{ spec: 'api/events.yaml', out: 'src/ws' }] });
    expect(readFileSync(path.join(dir, 'src/ws/system/consumer.ts'), 'utf8')).toContain('from api/events.yaml.');
    expect(readFileSync(path.join(dir, 'src/ws/system/consumer.test.ts'), 'utf8')).toContain('from api/events.yaml with consumer.ts.');
    expect((await cli([], dir)).code).toBe(0);
  });

  it('refuses arguments it does not know, and a package.json that is not JSON, writing nothing', async () => {
    const dir = scratch();
    expect((await cli(['init', 'extra'], dir)).code).toBe(2);
    expect((await cli(['init', '--nope'], dir)).code).toBe(2);
    write(path.join(dir, 'package.json'), '{\n  "name": "app",\n  nope\n}\n');
    const bad = await cli(['init'], dir);
    expect(bad.code).toBe(2);
    // Located where JSON.parse stopped: line 3, column 3.
    expect(bad.stderr).toMatch(/^package\.json:3:3: error: not valid JSON: .+\nchanx-gen: 1 error; nothing written\n$/);
    expect(Object.keys(snapshotTree(dir))).toEqual(['package.json']);
  });
});
