/**
 * The generated system server for bench/ops.ts: OPS_MODE=plain makes it as it was before issue 24
 * (a logger of errors only, no metrics: nothing watches connections or frames); otherwise it is
 * `npm start` as is, configured by the environment (LOG_LEVEL, METRICS_PORT).
 */
import { serveFromEnv } from 'chanx-gen/runtime';
import { createServer } from '../generated/server.js';

await serveFromEnv(process.env['OPS_MODE'] === 'plain' ? createServer({ logger: { error: (m) => console.error(m) } }) : createServer);
