/**
 * Golden tests: each test/fixtures/<case>/spec.yaml generates exactly test/fixtures/<case>/expected/
 * (update with `npm run test:update` and review the diff), and every golden tree plus the committed
 * generated/ compiles under tsc --strict with module nodenext.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline.js';
import { applyPlan } from '../src/write/apply-plan.js';
import { ROOT, scratch, snapshotTree } from './helpers/cli.js';
import { tsc } from './helpers/tsc.js';

const cases = readdirSync(path.join(ROOT, 'test/fixtures'))
  .filter((c) => existsSync(path.join(ROOT, 'test/fixtures', c, 'spec.yaml')))
  .sort();

describe('golden output', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(4));

  it.each(cases)('%s generates its expected tree byte for byte', async (name) => {
    const out = scratch();
    const result = await runPipeline({ spec: `test/fixtures/${name}/spec.yaml`, out, cwd: ROOT });
    applyPlan(result.plan);
    expect(snapshotTree(out)).toEqual(snapshotTree(path.join(ROOT, 'test/fixtures', name, 'expected')));
  });
});

it(
  'generated/ and every golden tree compile under tsc --strict, module nodenext',
  { timeout: 120_000 },
  async () => {
    expect((await tsc(['-p', 'tsconfig.generated.json'], ROOT)).output).toBe('');
  },
  180_000,
);

it("compiles no schema at run time: validators are standalone and the runtime loads only ajv's helpers", async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const validators = [
    path.join(ROOT, 'generated/system/validators.ts'),
    ...cases.flatMap((c) => {
      const dir = path.join(ROOT, 'test/fixtures', c, 'expected');
      return readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('validators.ts'))
        .map((f) => path.join(dir, f));
    }),
  ];
  expect(validators.length).toBeGreaterThan(4);
  for (const file of validators) {
    const code = readFileSync(file, 'utf8');
    expect(code).not.toMatch(/\brequire\(|new Ajv|\.compile\(|from ['"]ajv/);
    expect(code).toMatch(/^export (const validate|\{\};$)/m);
  }
  const runtime = readdirSync(path.join(ROOT, 'src/runtime'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(ROOT, 'src/runtime', f), 'utf8'))
    .join('\n');
  const ajvImports = [...runtime.matchAll(/(?:from |require\(|load\()['"](ajv[^'"]*)['"]/g)].map((m) => m[1]);
  expect(ajvImports.length).toBeGreaterThan(0);
  for (const id of ajvImports) expect(id).toMatch(/^ajv\/dist\/runtime\/|^ajv-formats\/dist\/formats(\.js)?$/);
});
