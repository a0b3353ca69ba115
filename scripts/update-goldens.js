#!/usr/bin/env node
// Regenerates test/fixtures/<case>/expected/ from test/fixtures/<case>/spec.yaml (npm run test:update).
// Run from the repository root so that the paths in headers are the ones the golden test sees.
import { readdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline, applyPlan } from '../dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(root, 'test/fixtures');
for (const name of readdirSync(fixtures).sort()) {
  const spec = `test/fixtures/${name}/spec.yaml`;
  if (!existsSync(path.join(root, spec))) continue;
  const out = `test/fixtures/${name}/expected`;
  rmSync(path.join(root, out), { recursive: true, force: true });
  const result = await runPipeline({ spec, out, cwd: root });
  for (const w of result.warnings) console.log(`  ${w.message}`);
  applyPlan(result.plan);
  console.log(`${out}: ${result.files.length} files`);
}
