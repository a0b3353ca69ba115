#!/usr/bin/env node
/**
 * The kill ratio per folder, computed from Stryker's JSON report (mutation-testing-report-schema),
 * independently of Stryker's own summary: `npm run mutate:score [-- report.json ...] [--min 85]`.
 * Killed and timed-out mutants count as detected; survivors and mutants no test covers as not;
 * ignored (static: module-level code, see RELIABILITY.md) and compile errors are shown but left out
 * of the ratio. `--files` gives one row per file, `--survivors` lists each undetected mutant. Exits
 * 1 when a folder of src/runtime or src/write is under --min (default 85).
 */
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const minAt = args.indexOf('--min');
const min = minAt >= 0 ? Number(args[minAt + 1]) : 85;
const given = args.filter((a, i) => !a.startsWith('--') && (minAt < 0 || i !== minAt + 1));
// npm run mutate writes one report per run (stryker.config.mjs): read every one there is.
const files = given.length > 0 ? given : ['runtime', 'write', 'model'].map((s) => `reports/mutation/${s}.json`).filter((f) => existsSync(f));
if (files.length === 0) {
  console.error('no report: run npm run mutate first (reports/mutation/runtime.json, write.json)');
  process.exit(2);
}
const report = { files: Object.assign({}, ...files.map((f) => JSON.parse(readFileSync(f, 'utf8')).files)) };
console.log(`from ${files.join(', ')}`);

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const folders = new Map();
const fileRows = new Map();
const survivors = [];
const perFile = args.includes('--files');
const rowOf = (rows, key) => rows.get(key) ?? rows.set(key, { detected: 0, undetected: 0, ignored: 0, other: 0 }).get(key);
for (const [name, result] of Object.entries(report.files)) {
  // Counted per file and per folder: the 85% gate is on folders whichever rows are printed.
  const rows = [rowOf(fileRows, name), rowOf(folders, name.split('/').slice(0, -1).join('/'))];
  for (const m of result.mutants) {
    const kind = DETECTED.has(m.status) ? 'detected' : UNDETECTED.has(m.status) ? 'undetected' : m.status === 'Ignored' ? 'ignored' : 'other';
    for (const row of rows) row[kind]++;
    if (kind === 'undetected')
      survivors.push(
        `${name}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}${m.replacement !== undefined ? ` -> ${JSON.stringify(m.replacement).slice(0, 80)}` : ''}`,
      );
  }
}

const pct = (r) => (r.detected + r.undetected === 0 ? 100 : (100 * r.detected) / (r.detected + r.undetected));
const byName = ([a], [b]) => (a < b ? -1 : 1);
const lines = [...(perFile ? fileRows : folders).entries()].sort(byName);
// ignored: static mutants (module-level code) under ignoreStatic; other: compile errors and the like.
console.log(`${'folder'.padEnd(perFile ? 40 : 20)}detected  undetected  ignored  other  score`);
for (const [folder, r] of lines)
  console.log(
    `${folder.padEnd(perFile ? 40 : 20)}${String(r.detected).padStart(8)}${String(r.undetected).padStart(12)}${String(r.ignored).padStart(9)}${String(r.other).padStart(7)}  ${pct(r).toFixed(1)}%`,
  );
if (args.includes('--survivors')) for (const s of survivors.sort()) console.log(s);

const failing = [...folders.entries()].filter(([folder]) => /^src\/(runtime|write)$/.test(folder)).filter(([, r]) => pct(r) < min);
if (failing.length > 0) {
  console.error(`under ${min}%: ${failing.map(([f]) => f).join(', ')}`);
  process.exit(1);
}
