import { benchFanout } from './bench/fanout.ts';
for (const r of await benchFanout([1000, 10000], 31)) console.log(`| ${r.name} | ${r.unit === 'x' ? r.value.toFixed(3) : Math.round(r.value)} ${r.unit} | ${r.extra ?? ''} |`);
