import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/sequencer.js';

/**
 * Tests that mostly wait on real processes (a Sentinel or Cluster failover, a redis-server restart,
 * Chromium): they run in the `waiting` project, each in a fresh worker,
 * and test/sequencer.ts starts them first, so that their waits overlap the CPU-bound files instead
 * of ending the run one after another on an idle machine (about 40 s of a 2-core run). Every
 * project has one worker more than the machine has cores: the one these files mostly hold while
 * they wait. Their windows (10 s for a failover) are four times what they take in the loaded suite
 * (about 2.5 s), and the failovers' flakiness under load was a bug of ours (redis-pubsub.ts), fixed.
 */
export const WAITING = ['test/redis/sentinel.test.ts', 'test/redis/cluster.test.ts', 'test/redis/processes.test.ts', 'test/browser/**/*.test.ts'];
/**
 * Tests that time the work of this very process (the watcher regenerates within a second of a change,
 * and loads the parser cold first): the `serial` project runs them alone after everything else
 * (maxWorkers 1 with the default groupOrder), so that no other file's load is in their figure.
 */
export const SERIAL = ['test/cli/watch.test.ts'];
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
// One group of projects (but `serial`), so the same number of workers for each (vitest requires it).
const workers = availableParallelism() + 1;

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
      {
        extends: true,
        test: { name: 'parallel', include: ALL, exclude: [...EXCLUDE, ...WAITING, ...ISOLATED, ...SERIAL], maxWorkers: workers, isolate: false },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED, exclude: EXCLUDE, maxWorkers: workers } },
      { extends: true, test: { name: 'waiting', include: WAITING, exclude: EXCLUDE, maxWorkers: workers } },
      { extends: true, test: { name: 'serial', include: SERIAL, exclude: EXCLUDE, maxWorkers: 1 } },
    ],
  },
});
