import { benchFanout } from './bench/fanout.ts';
import { benchRedisBroadcast } from './bench/redis-broadcast.ts';
const rows = [...(await benchFanout([1000, 10000], 31)), ...(await benchRedisBroadcast(5, 20000))];
for (const r of rows) console.log(`| ${r.name} | ${r.unit === 'x' ? r.value.toFixed(3) : Math.round(r.value)} ${r.unit} | ${r.extra ?? ''} |`);
