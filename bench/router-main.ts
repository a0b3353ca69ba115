// Entry point for the in-process benchmarks' own process (see run.ts): --expose-gc and a large young
// generation make heap growth = allocation. Prints the rows as JSON: routers, then the frame path.
import { benchFramePath } from './frame-path.js';
import { benchRouters } from './router.js';

const rounds = Number(process.argv[2] ?? 7);
console.log(JSON.stringify([...benchRouters(rounds), ...(await benchFramePath(Math.max(3, Math.ceil(rounds / 2))))]));
