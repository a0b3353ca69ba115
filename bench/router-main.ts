// Entry point for the router benchmark's own process (see run.ts); prints its rows as JSON.
import { benchRouters } from './router.js';

console.log(JSON.stringify(benchRouters(Number(process.argv[2] ?? 7))));
