import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/sequencer.js';

/**
 * Tests that assert a window of wall time against real processes (a Sentinel or Cluster failover,
 * a redis-server restart, the watcher's settle time) or drive Chromium: they run in the `serial`
 * project, one file at a time after the rest, so the load of other test files never eats into
 * their windows. Everything else runs in the `parallel` (or `isolated`, below) project on every core (vitest's default
 * leaves one core idle, which on two cores halves the suite's speed).
 */
export const SERIAL = [
  'test/redis/sentinel.test.ts',
  'test/redis/cluster.test.ts',
  'test/redis/processes.test.ts',
  'test/cli/watch.test.ts',
  'test/browser/**/*.test.ts',
];
/**
 * Files that change what a later file in the same process would see: module mocks (vi.mock,
 * vi.doMock), a reset module registry, stubbed globals or spied-on globals, fake timers. They run in
 * the `isolated` project, each in a fresh worker as vitest does by default. The rest share their
 * workers (isolate: false): each worker imports the generator, the parser, TypeScript and the
 * runtime once instead of once per file, which was about half of the suite's CPU time.
 */
export const ISOLATED = [
  'test/write/generator-fingerprint.test.ts',
  'test/write/check-cache-unit.test.ts',
  'test/client/client-ajv.test.ts',
  'test/client/client-connection.test.ts',
  'test/client/client-frames.test.ts',
  'test/redis/outage.test.ts',
];
/** The whole suite's files (vitest.mutate.config.ts runs them as one project); the projects below split them. */
export const ALL = ['test/**/*.test.ts'];
// Golden trees hold generated starter tests (node:test, consumer.test.ts): compiled, not run here.
export const EXCLUDE = ['**/node_modules/**', 'test/fixtures/**'];
const cores = availableParallelism();

export default defineConfig({
  resolve: {
    // Generated code imports chanx-gen/runtime; in tests that is the source, so there is one copy of it.
    alias: {
      'chanx-gen/runtime': fileURLToPath(new URL('./src/runtime/index.ts', import.meta.url)),
      'chanx-gen/client-ajv': fileURLToPath(new URL('./src/runtime/client-ajv.ts', import.meta.url)),
      'chanx-gen/client': fileURLToPath(new URL('./src/runtime/client.ts', import.meta.url)),
      'chanx-gen/testing': fileURLToPath(new URL('./src/runtime/testing.ts', import.meta.url)),
    },
  },
  test: {
    globalSetup: ['test/global-setup.ts'],
    sequence: { sequencer: LongFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'parallel', include: ALL, exclude: [...EXCLUDE, ...SERIAL, ...ISOLATED], maxWorkers: cores, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, exclude: EXCLUDE, maxWorkers: cores } },
      // maxWorkers 1 with the default groupOrder: vitest runs these files one by one after the parallel group.
      { extends: true, test: { name: 'serial', include: SERIAL, exclude: EXCLUDE, maxWorkers: 1 } },
    ],
  },
});
