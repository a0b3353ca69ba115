/**
 * The `parallel` project shares its workers between test files (isolate: false, vitest.config.ts), so
 * a file that mocks a module, resets the module registry, stubs a global or fakes the timers must run
 * where each file gets a fresh worker: the `isolated` or the `waiting` project. This holds every test
 * file that does so to that list, so a new one cannot leak its mocks into the files after it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISOLATED, SERIAL, WAITING } from '../../vitest.config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LEAKS = /\bvi\.(mock|doMock|resetModules|stubGlobal|stubEnv|useFakeTimers)\(/;

function testFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return rel === 'test/fixtures' ? [] : testFiles(rel);
    return rel.endsWith('.test.ts') ? [rel] : [];
  });
}

/** The globs of vitest.config.ts (`**` and `*` only) as a regular expression. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .split(/(\*\*\/|\*)/)
    .map((part) => (part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

describe('test isolation', () => {
  it('runs every test file that mocks, stubs or fakes timers in a fresh worker (the isolated or waiting project)', () => {
    const fresh = [...ISOLATED, ...WAITING, ...SERIAL].map(globToRegExp);
    const files = testFiles('test');
    const leaking = files.filter((f) => LEAKS.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(leaking).toContain('test/redis/outage.test.ts'); // the scan sees what it should
    expect(leaking.filter((f) => !fresh.some((re) => re.test(f)))).toEqual([]);
    // And the list names files that exist.
    expect(ISOLATED.filter((f) => !files.includes(f))).toEqual([]);
  });
});
