/**
 * The order files start in: vitest's own (on a warm cache, slowest first; on a fresh clone it has
 * no durations and goes by file size), except that these start first whatever the cache says: the
 * packaging test (npm ci, npm pack and a fresh install: the longest file, so it must not start
 * late), then the files that mostly wait on real processes (the `waiting` project of
 * vitest.config.ts: their waits overlap the CPU-bound files), then the seeded campaigns (names,
 * corpus, differential) that generate and compile many documents.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files, and the `waiting` project, in the order they start first. */
const FIRST: (RegExp | 'waiting')[] = [
  /^test\/package\//,
  'waiting',
  /^test\/fuzz\/names\.test\.ts$/,
  /^test\/corpus\.test\.ts$/,
  /^test\/load\/differential\.test\.ts$/,
];

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const rel = path.relative(spec.project.config.root, spec.moduleId).split(path.sep).join('/');
      const i = FIRST.findIndex((first) => (first === 'waiting' ? spec.project.name === 'waiting' : first.test(rel)));
      return i === -1 ? FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
