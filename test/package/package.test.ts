/**
 * chanx-gen as users get it (issues 13 and 11.6), on real installs from the npm registry:
 * - this repository after `npm ci --omit=dev`: `npm start` serves the system channel with plain node;
 * - `npm pack` of that checkout holds what a user needs and nothing else;
 * - in a fresh ESM project outside this repository: the tarball installed, `chanx-gen init`,
 *   `chanx-gen` and `--check` with no arguments, the output compiled with skipLibCheck: false under
 *   @tsconfig/strictest (nodenext, which includes strict) and bundler, built by an ordinary tsc with
 *   init's tsconfig (no allowJs), run with node, and a ws client gets its echo; `npm test` passes the
 *   starter tests, and fails the echo's, showing both frames, once the echo's prefix is changed.
 * Scratch folders live in the OS temp folder, away from this repository's node_modules, so nothing
 * resolves from our own dev dependencies. Timings of each step are printed.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { NEXT_COMMANDS } from '../../src/init.js';
import { serve, sh, type Done } from './processes.js';
import { walkSystemEcho } from './system-echo.js';

const NPM_FLAGS = '--prefer-offline --no-audit --no-fund';
const work = mkdtempSync(path.join(tmpdir(), 'chanx-gen-package-'));
const repo = path.join(work, 'repo');
const app = path.join(work, 'app');
const timings: [string, number][] = [];
let tarball = '';
let packed: string[] = [];

async function step(name: string, command: string, cwd: string): Promise<Done> {
  const done = await sh(command, cwd);
  timings.push([name, done.ms]);
  if (done.code !== 0) throw new Error(`${name}: \`${command}\` exited with ${done.code}:\n${done.out}`);
  return done;
}

beforeAll(async () => {
  // This checkout as git would give it (tracked and new files, working-tree bytes), without tests.
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
  for (const f of files) if (f !== '' && !f.startsWith('test/') && existsSync(path.join(ROOT, f))) cpSync(path.join(ROOT, f), path.join(repo, f));
  // With tsc's state from this checkout's build (`npm test` builds first): prepare's tsc then checks
  // what changed, resolving every import again in the copy's own node_modules, so a type the build
  // needs from a dev dependency still fails it (4.8 instead of 9.8 CPU-s). Only the outputs of the
  // sources above are carried, never a leftover of an older build; prepare's other steps (the
  // AsyncAPI validators, the templates) start from nothing.
  for (const f of files.filter((f) => /^src\/.+(?<!\.test)\.ts$/.test(f))) {
    const stem = f.replace(/^src\//, 'dist/').replace(/\.ts$/, '');
    for (const out of [`${stem}.js`, `${stem}.js.map`, `${stem}.d.ts`])
      if (existsSync(path.join(ROOT, out))) cpSync(path.join(ROOT, out), path.join(repo, out));
  }
  if (existsSync(path.join(ROOT, 'dist/.tsbuildinfo'))) cpSync(path.join(ROOT, 'dist/.tsbuildinfo'), path.join(repo, 'dist/.tsbuildinfo'));
  await step('npm ci --omit=dev (repository copy, runs prepare)', `npm ci --omit=dev ${NPM_FLAGS}`, repo);
  const pack = await step('npm pack', `npm pack --json --ignore-scripts --pack-destination ${JSON.stringify(work)}`, repo);
  const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = path.join(work, info.filename);
  packed = info.files.map((f) => f.path).sort();
}, 400_000);

afterAll(async () => {
  if (timings.length > 0) console.log(`packaging test timings:\n${timings.map(([n, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${n}`).join('\n')}`);
  await rm(work, { recursive: true, force: true });
}, 300_000);

describe('chanx-gen as users install it', () => {
  it('packs what a user needs and nothing else', () => {
    const allowed = [
      /^package\.json$/,
      /^README\.md$/,
      /^LICENSE$/,
      /^bin\/chanx-gen\.js$/,
      /^dist\/.+\.(js|d\.ts)$/,
      /^dist\/asyncapi-validators\/([\d.]+-(resolved|unresolved)\.cjs|stamp\.json)$/,
      /^dist\/templates\.cjs$/, // the templates precompiled at build
      /^templates\/[\w.-]+\.(hbs|js)$/,
      /^specs\/system\.yaml$/,
      /^generated\/system\/consumer\.ts$/,
      /^generated\/system\/consumer\.test\.ts$/,
    ];
    expect(packed.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    // Every compiled module comes from a source file of this checkout (no leftovers of old builds).
    const compiled = packed.filter((f) => /^dist\/.+\.(js|d\.ts)$/.test(f));
    expect(compiled.filter((f) => !existsSync(path.join(repo, f.replace(/^dist\//, 'src/').replace(/\.(js|d\.ts)$/, '.ts'))))).toEqual([]);
    for (const needed of [
      'bin/chanx-gen.js',
      'dist/cli.js',
      'dist/index.d.ts',
      'dist/runtime/index.js',
      'dist/runtime/index.d.ts',
      'dist/asyncapi-validators/3.0.0-resolved.cjs',
      'dist/asyncapi-validators/stamp.json',
      'dist/templates.cjs',
      'templates/server.ts.hbs',
      'specs/system.yaml',
      'generated/system/consumer.ts',
      'generated/system/consumer.test.ts',
      'dist/runtime/testing.js',
      'dist/runtime/testing.d.ts',
    ]) {
      expect(packed).toContain(needed);
    }
  });

  it.concurrent('npm start after npm ci --omit=dev: plain node serves the system channel', async ({ expect }) => {
    expect(existsSync(path.join(repo, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(path.join(repo, 'node_modules/vitest'))).toBe(false);
    const started = performance.now();
    const server = await serve('npm start --silent', repo, 120_000);
    timings.push(['npm start (repository copy) until listening', Math.round(performance.now() - started)]);
    try {
      (await walkSystemEcho(server.port, expect)).ws.close();
      expect(existsSync(path.join(repo, 'build/system/validators.js'))).toBe(true);
    } finally {
      await server.stop();
    }
  }, 240_000);

  it.concurrent('in a fresh project: install, init, generate, compile two ways with skipLibCheck false, build with tsc, run with node', async ({ expect }) => {
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2)}\n`);
    // The first printed command, with the tarball in place of the registry's chanx-gen.
    await step(
      'npm install the tarball + typescript, @types/node, @tsconfig/strictest',
      `npm install ${JSON.stringify(tarball)} typescript@5.9 @types/node@20 @tsconfig/strictest@2 ${NPM_FLAGS}`,
      app,
    );
    expect(existsSync(path.join(app, 'node_modules/@types/ws'))).toBe(true);

    const init = await step('npx chanx-gen init', 'npx chanx-gen init', app);
    expect(init.stdout).toContain(`Next:\n  ${NEXT_COMMANDS[0]}\n  ${NEXT_COMMANDS[1]}\n`);
    const generate = await step('npx chanx-gen (configured)', 'npx chanx-gen', app);
    expect(generate.stdout).toContain('generated/ from asyncapi.yaml');
    expect((await sh('npx chanx-gen --check', app)).code).toBe(0);

    const variants = {
      bundler: {
        compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true, skipLibCheck: false },
        include: ['generated'],
      },
      strictest: {
        extends: '@tsconfig/strictest/tsconfig.json',
        // A Node.js project's lib (no DOM); the bundler variant compiles with the DOM's.
        compilerOptions: { target: 'es2022', lib: ['es2023'], module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, skipLibCheck: false },
        include: ['generated'],
      },
    };
    for (const [name, config] of Object.entries(variants)) writeFileSync(path.join(app, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
    const checks = Object.keys(variants).map((name) => step(`tsc -p tsconfig.${name}.json`, `npx tsc -p tsconfig.${name}.json`, app));

    // The second printed command: generate (again: nothing changes), build with the ordinary tsconfig (nodenext), start.
    const started = performance.now();
    const server = await serve(NEXT_COMMANDS[1]!, app, 180_000);
    timings.push([`${NEXT_COMMANDS[1]} until listening`, Math.round(performance.now() - started)]);
    try {
      expect(existsSync(path.join(app, 'build/generated/system/validators.js'))).toBe(true);
      (await walkSystemEcho(server.port, expect)).ws.close();
    } finally {
      await server.stop();
    }
    for (const check of await Promise.all(checks)) expect(check.out).toBe('');

    // The third printed command: the starter tests pass (node:test over the build, chanx-gen/testing
    // from the tarball); with the echo's prefix changed, the echo's test fails showing both frames.
    // tsc builds incrementally (init's tsconfig): its state is in the build folder, not the project's root.
    expect(existsSync(path.join(app, 'build/tsconfig.tsbuildinfo'))).toBe(true);
    const tested = await step(NEXT_COMMANDS[2]!, NEXT_COMMANDS[2]!, app);
    expect(tested.stdout).toMatch(/^# pass 4$/m);
    expect(tested.stdout).toMatch(/^# fail 0$/m);
    const consumer = path.join(app, 'generated/system/consumer.ts');
    writeFileSync(consumer, readFileSync(consumer, 'utf8').replace('🔧 System Echo: ', '🔧 Echo: '));
    const failed = await sh(NEXT_COMMANDS[2]!, app);
    timings.push([`${NEXT_COMMANDS[2]} (echo prefix changed)`, failed.ms]);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout).toMatch(/^# fail 1$/m);
    expect(failed.stdout).toContain('not ok 3 - user_message: onUserMessage echoes the message');
    expect(failed.stdout).toMatch(/\+ +message: '🔧 Echo: Hello'\n +- +message: '🔧 System Echo: Hello'/);
  }, 400_000);
});
