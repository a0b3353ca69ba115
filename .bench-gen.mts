import { benchGeneration } from './bench/generation.ts';
const rows = await benchGeneration(Number(process.argv[2] ?? 3));
for (const r of rows) console.log(`${r.name}\t${r.value.toFixed(0)} ${r.unit}\t${r.extra ?? ''}`);
