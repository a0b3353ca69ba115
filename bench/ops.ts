/**
 * What logs and metrics cost end to end (issue 24): the echo load of bench/ws-load.ts against the
 * hand-written ws server and the generated one with nothing watching, with pino logs at info, and
 * with logs at info and metrics on. `npx tsx bench/ops.ts [rounds] [seconds]` (after npm run build).
 */
import { benchWs, type ServerUnderTest } from './ws-load.js';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 4);
const gen = [process.execPath, '--import', 'tsx', 'bench/ops-server.ts'];
export const OPS_SERVERS: ServerUnderTest[] = [
  { name: 'hand-written ws echo server', command: [process.execPath, 'bench/echo-server.mjs'] },
  { name: 'generated, nothing watching (as before issue 24)', command: gen, env: { OPS_MODE: 'plain' } },
  { name: 'generated, logs at info (npm start)', command: gen, env: { LOG_LEVEL: 'info' } },
  { name: 'generated, logs at info + metrics on', command: gen, env: { LOG_LEVEL: 'info', METRICS_PORT: '0' } },
];

const rows = await benchWs(OPS_SERVERS, rounds, seconds);
const base = rows[0]!.value;
for (const r of rows) console.log(`| ${r.name} | ${Math.round(r.value).toLocaleString('en-US')} msg/s | ${(r.value / base).toFixed(2)}x | ${r.extra} |`);
