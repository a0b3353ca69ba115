#!/usr/bin/env node
// `npm start` runs this first: every .ts file of generated/ (your consumers included) transpiled to
// JavaScript in build/, which plain node then runs. Transpiling file by file with the typescript
// package (a regular dependency) needs no dev tools and no type information, so it works after
// `npm ci --omit=dev` and takes a fraction of a second; `npm test` type-checks the same files.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.join(root, process.argv[2] ?? 'generated');
const to = path.join(root, process.argv[3] ?? 'build');
const compilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true, verbatimModuleSyntax: false };

rmSync(to, { recursive: true, force: true });
let count = 0;
for (const rel of readdirSync(from, { recursive: true, encoding: 'utf8' }).sort()) {
  if (!rel.endsWith('.ts') || rel.endsWith('.d.ts')) continue;
  const source = path.join(from, rel);
  const target = path.join(to, rel.replace(/\.ts$/, '.js'));
  const out = ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions, fileName: source, reportDiagnostics: true });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    console.error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
    process.exit(1);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${path.basename(target)}.map`));
  const map = JSON.parse(out.sourceMapText ?? '{}');
  writeFileSync(`${target}.map`, JSON.stringify({ ...map, sources: [path.relative(path.dirname(target), source).split(path.sep).join('/')] }));
  count++;
}
if (count === 0) {
  console.error(`build-server: no .ts files in ${path.relative(root, from) || '.'}; run chanx-gen first`);
  process.exit(1);
}
