/**
 * The runtime's rooms (DESIGN §13, src/runtime/README.md): dependencies run one way, the client
 * stands alone, the layers know nothing of ws, and src/ has no import circle.
 */
import { describe, expect, it } from 'vitest';
import { circles, importsOf, sourceFiles } from './import-graph.js';

const ROOMS: Record<string, readonly string[]> = {
  support: [],
  protocol: ['support'],
  channel: ['support', 'protocol'],
  limits: ['support'],
  layers: ['support', 'protocol', 'channel'],
  topics: ['support', 'protocol', 'channel', 'layers'],
  ops: ['support', 'protocol', 'channel', 'layers'],
  server: ['support', 'protocol', 'channel', 'limits', 'layers', 'topics', 'ops'],
  client: [],
  testing: ['support', 'protocol', 'channel', 'limits', 'layers', 'topics', 'server', 'client'],
};
/** Packages a room may import besides the rooms above (node: built-ins count by their name). */
const PACKAGES: Record<string, readonly string[]> = {
  support: [],
  protocol: [],
  channel: ['node:http'],
  limits: ['ws', 'node:stream', 'node:http'],
  layers: ['ioredis', 'node:crypto', 'node:module'],
  topics: ['node:http'],
  ops: ['prom-client', 'pino', 'node:http', 'node:net', 'node:module'],
  server: ['ws', 'node:http', 'node:net', 'node:stream', 'node:fs', 'node:url', 'node:module', 'ajv-formats/dist/formats', 'js-yaml'],
  testing: ['ws'],
  client: [
    'ajv/dist/runtime/equal.js',
    'ajv/dist/runtime/ucs2length.js',
    'ajv/dist/runtime/uri.js',
    'ajv/dist/runtime/validation_error.js',
    'ajv-formats/dist/formats.js',
  ],
};
const ENTRY_POINTS = ['runtime/client-ajv.ts', 'runtime/client.ts', 'runtime/index.ts', 'runtime/testing.ts'];

const roomOf = (file: string): string | undefined => /^runtime\/([^/]+)\//.exec(file)?.[1];

describe('the runtime in rooms', () => {
  const runtime = sourceFiles().filter((f) => f.startsWith('runtime/'));

  it('has only its entry points at the top level, and every other file in a known room of at most 12 files', () => {
    expect(runtime.filter((f) => roomOf(f) === undefined)).toEqual(ENTRY_POINTS);
    const perRoom = new Map<string, number>();
    for (const f of runtime) {
      const room = roomOf(f);
      if (room !== undefined) perRoom.set(room, (perRoom.get(room) ?? 0) + 1);
    }
    expect([...perRoom.keys()].sort()).toEqual(Object.keys(ROOMS).sort());
    for (const [room, count] of perRoom) expect(count, room).toBeLessThanOrEqual(12);
  });

  it('imports only down the table: each room its own files, the rooms and the packages it is allowed', () => {
    const wrong: string[] = [];
    for (const file of runtime) {
      const room = roomOf(file);
      if (room === undefined) continue;
      for (const edge of importsOf(file)) {
        if (edge.relative) {
          const target = roomOf(edge.to);
          if (target !== room && !(target !== undefined && ROOMS[room]!.includes(target))) wrong.push(`${file} -> ${edge.to}`);
        } else if (!PACKAGES[room]!.includes(edge.to)) wrong.push(`${file} -> ${edge.to}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the client entry points on the client room only', () => {
    const reach = ['runtime/client-ajv.ts', 'runtime/client.ts'].flatMap((f) => importsOf(f).map((e) => e.to));
    expect(reach.every((to) => to.startsWith('runtime/client/'))).toBe(true);
  });

  it('lets nothing import the testing room but its entry point (chanx-gen/testing), so no server or client carries it', () => {
    const importers = sourceFiles()
      .filter((f) => roomOf(f) !== 'testing' && f !== 'runtime/testing.ts')
      .filter((f) => importsOf(f).some((e) => e.relative && (e.to.startsWith('runtime/testing/') || e.to === 'runtime/testing.ts')));
    expect(importers).toEqual([]);
    expect(importsOf('runtime/testing.ts').every((e) => e.to.startsWith('runtime/testing/'))).toBe(true);
  });
});

describe('src/', () => {
  it('has no import circle, type-only imports included', () => {
    expect(circles(sourceFiles())).toEqual([]);
  });

  it('finds every circle of a made-up graph, and none in a chain (the search is not blind)', () => {
    const graph: Record<string, string[]> = { a: ['b'], b: ['c', 'd'], c: ['a'], d: ['d'], e: ['a'] };
    expect(circles(Object.keys(graph), (f) => graph[f] ?? [])).toEqual([
      ['a', 'b', 'c', 'a'],
      ['d', 'd'],
    ]);
    expect(circles(['a', 'b'], (f) => (f === 'a' ? ['b'] : []))).toEqual([]);
  });
});
