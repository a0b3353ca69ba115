import { benchRedisBroadcast } from './bench/redis-broadcast.ts';
const rows = await benchRedisBroadcast(9, 10000);
for (const r of rows) console.log(r.name, r.value.toFixed(2), r.extra);
