/**
 * npm run bench:cold: only the cold-generation and --check rows of `npm run bench` (bench/generation.ts),
 * each against its baseline in the same run, for working on start-up cost without the whole suite.
 * Usage: tsx bench/cold.ts [gen|check]
 */
import { benchCheck, benchGeneration } from './generation.js';
import type { Row } from './stats.js';

const which = process.argv[2] ?? 'all';
const rows: Row[] = [...(which !== 'check' ? await benchGeneration(5) : []), ...(which !== 'gen' ? await benchCheck(7) : [])];
for (const r of rows) console.log(`| ${r.name} | ${r.value.toFixed(0)} ${r.unit} | ${r.extra ?? ''} |`);
