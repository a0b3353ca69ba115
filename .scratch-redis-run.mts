import { benchRedisBroadcast } from './bench/redis-broadcast.ts';
console.log(await benchRedisBroadcast(3, 20000));
