/**
 * The suite's type-check server (started by test/global-setup.ts): POST {args, cwd} answers
 * {code, output} as `tsc <args>` run in `cwd` would (tsc-core.mjs). One process for the whole run, so
 * the declaration files every compilation reads are parsed, bound and checked once, not once per run.
 * Requests are answered one at a time, in order. Prints `listening <port>` once ready.
 */
import { createServer } from 'node:http';
import { createChecker } from './tsc-core.mjs';

const checker = createChecker();

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    let answer;
    try {
      const { args, cwd } = JSON.parse(body);
      answer = checker.run(args, cwd);
    } catch (err) {
      answer = { code: 1, output: `tsc server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n` };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
});
// Idle connections are never closed from here: the workers' fetch keeps them alive, and a close timed
// by this side (5 s by default, late when a check has held the loop) could meet a request already on
// its way, which then fails with ECONNRESET (it did, once in a full run). The run's end closes them.
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
// Started by the test run: it ends with it (stdin closes when the parent goes, however it goes).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => {
  process.stderr.write(`tsc server: ${JSON.stringify(checker.stats)}\n`);
  process.exit(0);
});
