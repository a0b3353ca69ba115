/**
 * The --check cache must not outlive an upgrade of chanx-gen: its note records a fingerprint of the
 * installed generator, which changes with any compiled file, template or package.json, and only
 * with those (a rebuild that changes only source maps or type declarations writes the same bytes).
 */
import { readFileSync } from 'node:fs';
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

  it('of the running generator is that of the package it runs from', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))).toMatchObject({ name: 'chanx-gen' });
    expect(ownFingerprint()).toBe(generatorFingerprint(ROOT));
  });
});
