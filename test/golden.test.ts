/**
 * Golden tests: each test/fixtures/<case>/spec.yaml generates exactly test/fixtures/<case>/expected/
 * (update with `npm run test:update` and review the diff), and every golden tree plus the committed
 * generated/ compiles under tsc --strict with module nodenext.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline.js';
import { applyPlan } from '../src/write/apply-plan.js';
import { ROOT, scratch, snapshotTree } from './helpers/cli.js';

const cases = readdirSync(path.join(ROOT, 'test/fixtures')).filter((c) => existsSync(path.join(ROOT, 'test/fixtures', c, 'spec.yaml'))).sort();

describe('golden output', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(4));

  it.each(cases)('%s generates its expected tree byte for byte', async (name) => {
    const out = scratch();
    const result = await runPipeline({ spec: `test/fixtures/${name}/spec.yaml`, out, cwd: ROOT });
    applyPlan(result.plan);
    expect(snapshotTree(out)).toEqual(snapshotTree(path.join(ROOT, 'test/fixtures', name, 'expected')));
  });
});

it('generated/ and every golden tree compile under tsc --strict, module nodenext', () => {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.generated.json'], { cwd: ROOT, encoding: 'utf8' });
  } catch (err) {
    output = String((err as { stdout?: string }).stdout ?? err);
  }
  expect(output).toBe('');
});
