import { benchFanout } from './bench/fanout.ts';
console.log(await benchFanout([1000, 10000], 15));
