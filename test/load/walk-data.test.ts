/**
 * src/load/walk-data.ts, the walk the load checks share: document order, each node once (shared and
 * cyclic nodes included), the path as it stands at each node, and the two ways to stop going down.
 */
import { describe, expect, it } from 'vitest';
import { walkData } from '../../src/load/walk-data.js';

describe('walkData', () => {
  it('visits objects and arrays depth first in document order, a shared or cyclic node once, with its path', () => {
    const shared = { s: 1 };
    const data: Record<string, unknown> = { a: { b: [shared, { c: shared }] }, d: [], e: 'text' };
    data['loop'] = data;
    const seen: string[] = [];
    walkData(data, { node: (_node, at) => void seen.push(at.join('/')) });
    expect(seen).toEqual(['', 'a', 'a/b', 'a/b/0', 'a/b/1', 'd']);
  });

  it('asks each key before going into it, and leaves what is below a node the visitor refuses', () => {
    const data = { keep: { x: { deep: {} } }, skip: { y: {} }, stop: { z: {} } };
    const seen: string[] = [];
    const keys: string[] = [];
    walkData(data, {
      node: (_node, at) => (seen.push(at.join('/')), at.at(-1) === 'stop' ? false : undefined),
      key: (key, _parent, at) => (keys.push([...at, key].join('/')), key !== 'skip'),
    });
    expect(seen).toEqual(['', 'keep', 'keep/x', 'keep/x/deep', 'stop']);
    expect(keys).toEqual(['keep', 'keep/x', 'keep/x/deep', 'skip', 'stop']);
  });
});
