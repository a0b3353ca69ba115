/**
 * The order files start in: vitest's own (on a warm cache, slowest first; on a fresh clone it has
 * no durations and goes by file size), except that the files that take longest by design start
 * first whatever the cache says, so that on a fresh clone none of them starts last and leaves one
 * core waiting for it alone: the packaging test (npm ci, npm pack and a fresh install), then the
 * seeded campaigns (names, corpus, differential) that generate and compile many documents.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const FIRST = [/^test\/package\//, /^test\/fuzz\/names\.test\.ts$/, /^test\/corpus\.test\.ts$/, /^test\/load\/differential\.test\.ts$/];

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const rel = path.relative(spec.project.config.root, spec.moduleId).split(path.sep).join('/');
      const i = FIRST.findIndex((re) => re.test(rel));
      return i === -1 ? FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
