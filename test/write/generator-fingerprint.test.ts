/**
 * The --check cache must not outlive an upgrade of chanx-gen: its note records a fingerprint of the
 * installed generator, which changes with any compiled file, template or package.json, and only
 * with those (a rebuild that changes only source maps or type declarations writes the same bytes).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { generatorFingerprint, ownFingerprint } from '../../src/write/generator-fingerprint.js';
import { ROOT, scratch, write } from '../helpers/cli.js';

/** When set, every folder lists its entries in reverse (as another file system may order them). */
let reverseListings = false;
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((...args: Parameters<typeof fs.readdirSync>) => {
    const entries = fs.readdirSync(...args);
    return reverseListings ? [...entries].reverse() : entries;
  }) as typeof fs.readdirSync;
  return { ...fs, default: { ...fs, readdirSync }, readdirSync };
});

const FILES: Record<string, string> = {
  'package.json': '{"name":"chanx-gen","version":"1.0.0"}\n',
  'dist/cli.js': 'export const cli = 1;\n',
  'dist/write/plan.js': 'export const plan = 1;\n',
  'dist/write/plan.js.map': '{"version":3}\n',
  'dist/write/plan.d.ts': 'export declare const plan = 1;\n',
  'templates/consumer.ts.hbs': 'export class {{name}} {}\n',
  'src/write/plan.ts': 'export const plan = 1;\n',
};

/** An installed chanx-gen with FILES, written in the given order. */
function install(order = Object.keys(FILES)): string {
  const root = scratch();
  for (const rel of order) write(path.join(root, rel), FILES[rel]!);
  return root;
}

describe('generatorFingerprint', () => {
  it('is the same for the same files, whatever order they were written or are listed in', () => {
    const root = install();
    const listed = generatorFingerprint(root);
    expect(generatorFingerprint(install([...Object.keys(FILES)].reverse()))).toBe(listed);
    reverseListings = true;
    try {
      expect(generatorFingerprint(root)).toBe(listed);
    } finally {
      reverseListings = false;
    }
  });

  it.each(['package.json', 'dist/cli.js', 'dist/write/plan.js', 'templates/consumer.ts.hbs'])('changes when %s changes', (rel) => {
    const root = install();
    const before = generatorFingerprint(root);
    write(path.join(root, rel), `${FILES[rel]}// changed\n`);
    expect(generatorFingerprint(root)).not.toBe(before);
  });

  it.each([
    ['a compiled file is added', 'dist/write/new.js'],
    ['a template is added', 'templates/new.hbs'],
  ])('changes when %s', (_name, rel) => {
    const root = install();
    const before = generatorFingerprint(root);
    write(path.join(root, rel), 'x\n');
    expect(generatorFingerprint(root)).not.toBe(before);
  });

  it('changes when a compiled file is renamed, bytes unchanged', () => {
    const a = install();
    const b = install(Object.keys(FILES).filter((rel) => rel !== 'dist/cli.js'));
    write(path.join(b, 'dist/main.js'), FILES['dist/cli.js']!);
    expect(generatorFingerprint(a)).not.toBe(generatorFingerprint(b));
  });

  it.each(['dist/write/plan.js.map', 'dist/write/plan.d.ts', 'src/write/plan.ts'])('stays when only %s changes', (rel) => {
    const root = install();
    const before = generatorFingerprint(root);
    write(path.join(root, rel), `${FILES[rel]}// changed\n`);
    expect(generatorFingerprint(root)).toBe(before);
  });

  it('counts the precompiled validators through the digest their stamp.json carries, and byte by byte without one', () => {
    const root = install();
    const validator = path.join(root, 'dist/asyncapi-validators/3.0.0-resolved.cjs');
    const stamp = path.join(root, 'dist/asyncapi-validators/stamp.json');
    write(validator, 'module.exports = 1;\n');
    write(stamp, '{"parser":"3.6.6","validators":"aa"}\n');
    const before = generatorFingerprint(root);
    write(stamp, '{"parser":"3.6.6","validators":"ab"}\n');
    const restamped = generatorFingerprint(root);
    expect(restamped).not.toBe(before);
    write(validator, 'module.exports = 2;\n'); // only the build writes these, and it writes the digest with them
    expect(generatorFingerprint(root)).toBe(restamped);
    write(stamp, '{"parser":"3.6.6"}\n');
    const undigested = generatorFingerprint(root);
    write(validator, 'module.exports = 3;\n');
    expect(generatorFingerprint(root)).not.toBe(undigested);
  });

  it("takes from the build a digest that is the validators' own", () => {
    const dir = path.join(ROOT, 'dist/asyncapi-validators');
    const names = readdirSync(dir)
      .filter((n) => n.endsWith('.cjs'))
      .sort();
    expect(names.length).toBeGreaterThan(10);
    const digest = createHash('sha256');
    for (const name of names)
      digest
        .update(name)
        .update('\0')
        .update(readFileSync(path.join(dir, name), 'utf8'))
        .update('\0');
    expect((JSON.parse(readFileSync(path.join(dir, 'stamp.json'), 'utf8')) as { validators: string }).validators).toBe(digest.digest('hex'));
  });

  it('of the running generator is that of the package it runs from', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))).toMatchObject({ name: 'chanx-gen' });
    expect(ownFingerprint()).toBe(generatorFingerprint(ROOT));
  });
});
