/**
 * npm run reliability: every hostile scenario of issue 11 against a real server process, measured,
 * and RELIABILITY.md rewritten from this run (`--no-write` to only print; `--only <id>` for one).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { idleRatio } from '../bench/idle-ratio.js';
import { percentile } from '../bench/stats.js';
import { floodOnce, type FloodRun, type Measured } from './reliability/flood.js';
import { MiB, open, pingTimes, ROOT, rss, runNode, sampleRss, sleep, startServer, stop } from './reliability/harness.js';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

interface Result {
  id: string;
  scenario: string;
  measured: string;
  target: string;
  met: boolean;
}

const scenarios: [string, () => Promise<Result[]>][] = [
  [
    'writer',
    async () => {
      const heartbeat = 2000;
      const s = await startServer({ HEARTBEAT_MS: String(heartbeat) });
      const quiet = await open(s.url);
      const quietP99 = percentile(await pingTimes(quiet, 200), 99);
      const before = rss(s.child.pid!);
      const sampler = sampleRss(s.child.pid!);
      const writer = runNode(['scripts/reliability/writer.mjs', s.url, '51200', '4096']);
      const loadedTimes: number[] = [];
      let done = false;
      const ended = writer.output.then((out) => {
        done = true;
        return JSON.parse(out) as { code: number; sent: number; seconds: number };
      });
      while (!done) loadedTimes.push(...(await pingTimes(quiet, 20)));
      const peak = sampler.stop();
      const end = await ended;
      loadedTimes.sort((a, b) => a - b);
      const loadedP99 = percentile(loadedTimes, 99);
      const closedBy = /terminated: no pong/.test(s.stderr()) ? 'heartbeat' : /closed \(1008\)/.test(s.stderr()) ? 'outbound limit' : 'nothing logged';
      quiet.terminate();
      await stop(s);
      const raise = (peak - before) / MiB;
      return [
        {
          id: 'writer',
          scenario: 'one client writes 200 MB (51,200 x 4 KB) and never reads: server RSS raise',
          measured: `${raise.toFixed(1)} MiB (peak ${(peak / MiB).toFixed(0)} MiB)`,
          target: '<= 64 MiB',
          met: raise <= 64,
        },
        {
          id: 'writer',
          scenario: '... the writer is closed by the server',
          measured: `after ${end.seconds.toFixed(1)} s (${closedBy}, heartbeat ${heartbeat / 1000} s; reading paused at 64 KiB of unsent replies)`,
          target: 'closed',
          met: closedBy !== 'nothing logged',
        },
        {
          id: 'writer',
          scenario: "... a second client's ping round trip p99 meanwhile",
          measured: `${loadedP99.toFixed(2)} ms vs ${quietP99.toFixed(2)} ms quiet (${(loadedP99 / quietP99).toFixed(1)}x, ${loadedTimes.length} pings)`,
          target: '<= 10x quiet p99',
          met: loadedP99 <= 10 * quietP99,
        },
      ];
    },
  ],
  [
    'broadcast',
    async () => {
      const s = await startServer();
      const stalled = runNode(['scripts/reliability/writer.mjs', s.url, '0', '100']);
      await sleep(500);
      const sender = await open(s.url);
      const before = rss(s.child.pid!);
      const sampler = sampleRss(s.child.pid!);
      const frame = JSON.stringify({ action: 'user_message', payload: { message: `broadcast:${'b'.repeat(64 * 1024)}` } });
      const times: number[] = [];
      let sent = 0;
      while (!/closed \(1008\)/.test(s.stderr()) && sent < 4000) {
        const t = performance.now();
        sender.send(frame);
        await once(sender, 'message');
        times.push(performance.now() - t);
        sent++;
      }
      const peak = sampler.stop();
      times.sort((a, b) => a - b);
      sender.terminate();
      stalled.child.kill();
      await stop(s);
      const closed = /closed \(1008\)/.test(s.stderr());
      return [
        {
          id: 'broadcast',
          scenario: 'broadcasts (64 KiB each) to a member that never reads: closed with 1008, logged once',
          measured: `${closed ? 'closed' : 'NOT closed'} after ${sent} broadcasts (${((sent * 64) / 1024).toFixed(1)} MiB), ${(s.stderr().match(/closed \(1008\)/g) ?? []).length} log line; RSS raise ${((peak - before) / MiB).toFixed(1)} MiB; sender's reply p99 ${percentile(times, 99).toFixed(2)} ms`,
          target: 'closed, one log line, RSS raise <= 64 MiB',
          met: closed && (s.stderr().match(/closed \(1008\)/g) ?? []).length === 1 && (peak - before) / MiB <= 64,
        },
      ];
    },
  ],
  [
    'flood',
    async () => {
      // Issue 24: RATE_LIMIT=100/s (FLOOD_RATE_LIMIT for another); one client floods 20,000 broadcasts to 1,000 members.
      const limit = process.env['FLOOD_RATE_LIMIT'] ?? '100/s';
      // The pinger stays at 80% of the limit, so that it is never limited itself.
      const gap = Math.max(5, 1250 / Number(/^\d+/.exec(limit)![0]));
      // A p99 of some 85 pings is their slowest: one run says little on a shared machine. Three runs
      // (FLOOD_RUNS for another count), each figure shown, the run with the median ratio in full.
      const runs: FloodRun[] = [];
      for (let i = 0; i < Number(process.env['FLOOD_RUNS'] ?? 3); i++) runs.push(await floodOnce(limit, gap));
      const ratio = (m: Measured) => percentile(m.loaded, 99) / percentile(m.quiet, 99);
      const ratios = (which: 'cold' | 'warm') => runs.map((r) => `${ratio(r[which]).toFixed(1)}x`).join(', ');
      const byRatio = [...runs].sort((a, b) => ratio(a.warm) - ratio(b.warm));
      const median = byRatio[Math.floor((byRatio.length - 1) / 2)]!;
      const { quiet, loaded, pingerOpen } = median.warm;
      const [q99, l99] = [percentile(quiet, 99), percentile(loaded, 99)];
      const floods = runs.flatMap((r) => [r.cold, r.warm]);
      const everyone = runs.every((r) => r.seen.open === 1000 && r.seen.closed === 0 && r.cold.pingerOpen && r.warm.pingerOpen);
      return [
        {
          id: 'flood',
          scenario: `RATE_LIMIT=${limit}: one client sends 20,000 broadcasts to 1,000 members as fast as it can (it and the members run at nice 19, for clients on other machines; the room had 20 broadcasts before), twice per server: answered rate_limited, closed with 1008`,
          measured: `${floods.map((m) => `closed with ${m.flood.code} after ${m.flood.seconds.toFixed(2)} s (${m.flood.handled} handled, ${m.flood.rateLimited} answered rate_limited)`).join('; ')}; ${median.warm.flood.sent} sent before the close`,
          target: 'rate_limited answers, then 1008',
          met: floods.every((m) => m.flood.code === 1008 && m.flood.rateLimited > 0),
        },
        {
          id: 'flood',
          scenario: `... another client's ping round trip p99 during the second flood on a server, in ${runs.length} runs (met on the median run); during the first flood on a fresh process, beside it (V8 compiles the paths a flood takes first, refusals, the cut, piled-up outboxes, on background threads that take the CPU from the server's thread, once per process); nobody else closed`,
          measured: `${ratios('warm')}; median run ${l99.toFixed(2)} ms vs ${q99.toFixed(2)} ms quiet (${loaded.length} pings; p50 ${percentile(loaded, 50).toFixed(2)} vs ${percentile(quiet, 50).toFixed(2)} ms, slowest ${loaded.at(-1)!.toFixed(2)} ms); first flood on a fresh process: ${ratios('cold')}; members open ${median.seen.open}/1000 (${median.seen.frames.toLocaleString('en-US')} frames received, 20,000 of them before the floods), pingers open: ${median.cold.pingerOpen && pingerOpen}; in every run: ${everyone}`,
          target: '<= 2x quiet p99, 1000/1000 open',
          met: l99 <= 2 * q99 && everyone,
        },
      ];
    },
  ],
  [
    'heartbeat',
    async () => {
      const interval = 1000;
      const s = await startServer({ HEARTBEAT_MS: String(interval) });
      const peers = await Promise.all(Array.from({ length: 5 }, () => open(s.url)));
      const live = await open(s.url);
      const t = performance.now();
      for (const p of peers) p.pause();
      while ((s.stderr().match(/terminated: no pong/g) ?? []).length < peers.length && performance.now() - t < 5 * interval) await sleep(10);
      const took = performance.now() - t;
      const terminated = (s.stderr().match(/terminated: no pong/g) ?? []).length;
      live.send('{"action":"ping"}');
      const [reply] = (await Promise.race([once(live, 'message'), sleep(1000).then(() => ['none'])])) as [unknown];
      for (const p of [...peers, live]) p.terminate();
      await stop(s);
      return [
        {
          id: 'heartbeat',
          scenario: '5 peers stop answering pings (heartbeat 1 s): terminated, onDisconnect run',
          measured: `${terminated}/5 terminated, the last after ${(took / 1000).toFixed(2)} s; a live peer still answered: ${String(reply) !== 'none'}`,
          target: 'all within 2 intervals (2 s)',
          met: terminated === 5 && took <= 2 * interval && String(reply) !== 'none',
        },
      ];
    },
  ],
  [
    'sigterm',
    async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'generated/server.ts'], {
        cwd: ROOT,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      const port = await new Promise<number>((resolve) =>
        child.stdout!.on('data', (d) => ((out += d), /127\.0\.0\.1:(\d+)/.test(out) && resolve(Number(/127\.0\.0\.1:(\d+)/.exec(out)![1])))),
      );
      const clients = await Promise.all(Array.from({ length: 20 }, () => open(`ws://127.0.0.1:${port}/ws/system`)));
      const codes = clients.map((c) => once(c, 'close').then(([code]) => code as number));
      const exited = once(child, 'exit');
      const t = performance.now();
      child.kill('SIGTERM');
      const [code] = (await exited) as [number];
      const took = (performance.now() - t) / 1000;
      const got = await Promise.all(codes);
      const all1001 = got.every((c) => c === 1001);
      return [
        {
          id: 'sigterm',
          scenario: 'SIGTERM with 20 connected clients',
          measured: `exit ${code} after ${took.toFixed(2)} s; ${got.filter((c) => c === 1001).length}/20 got 1001`,
          target: 'exit 0 within 5 s, every client 1001',
          met: code === 0 && took <= 5 && all1001,
        },
      ];
    },
  ],
  [
    'fuzz',
    async () => {
      const t = performance.now();
      const child = spawn('npx', ['vitest', 'run', 'test/fuzz/frames.test.ts'], {
        cwd: ROOT,
        env: { ...process.env, FUZZ_FRAMES: '20000' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      const [code] = (await once(child, 'exit')) as [number];
      const took = (performance.now() - t) / 1000;
      return [
        {
          id: 'fuzz',
          scenario: '20,000 random hostile frames on one connection (FUZZ_FRAMES=20000 npx vitest run test/fuzz/frames.test.ts)',
          measured: `${code === 0 ? 'passed' : 'FAILED'} in ${took.toFixed(0)} s`,
          target: 'server alive, connection open, one answer per frame',
          met: code === 0,
        },
      ];
    },
  ],
  [
    'idle',
    async () => {
      // Five readings of each, interleaved, the ratio of the medians (bench/idle-ratio.ts: one
      // reading moves by a fifth with when the collector last ran).
      const { kib, ratio } = await idleRatio(
        [
          { name: 'generated server (npm start)', command: [process.execPath, '--import', 'tsx', 'generated/server.ts'] },
          { name: 'hand-written ws echo server', command: [process.execPath, 'bench/echo-server.mjs'] },
        ],
        5000,
        5,
      );
      const readings = (i: number) => kib[i]!.map((k) => k.toFixed(1)).join(', ');
      return [
        {
          id: 'idle',
          scenario: 'memory per idle connection at 5,000 connections (RSS), generated vs hand-written ws, median of five readings each',
          measured: `${readings(0)} vs ${readings(1)} KiB (${ratio.toFixed(2)}x)`,
          target: '<= 1.1x',
          met: ratio <= 1.1,
        },
      ];
    },
  ],
];

const results: Result[] = [];
for (const [id, run] of scenarios) {
  if (only !== undefined && only !== id) continue;
  process.stderr.write(`running: ${id}\n`);
  results.push(...(await run()));
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}`;
const table = [
  '| scenario | measured | target | met | reproduce |',
  '| --- | --- | --- | --- | --- |',
  ...results.map((r) => `| ${r.scenario} | ${r.measured} | ${r.target} | ${r.met ? 'yes' : 'NO'} | \`npm run reliability -- --only ${r.id}\` |`),
];
console.log(table.join('\n'));
if (!process.argv.includes('--no-write') && only === undefined) {
  // Sections that other commands own (npm run mutate's "Mutation testing") are carried over as they are.
  const file = path.join(ROOT, 'RELIABILITY.md');
  let kept = '';
  try {
    const previous = readFileSync(file, 'utf8');
    const at = previous.indexOf('\n## Mutation testing');
    if (at !== -1) kept = previous.slice(at + 1);
  } catch {
    // no previous file
  }
  writeFileSync(
    file,
    [
      '# Reliability',
      '',
      `Every figure below comes from one run of \`npm run reliability\` on: ${machine}. Each scenario runs`,
      'against a real server process (`scripts/reliability/server.ts`: the generated system channel, plus a',
      '`broadcast:` prefix so that pushes can reach a peer that does not read). RSS is sampled every 25 ms',
      'from /proc. The behaviours themselves are asserted by tests (test/runtime, test/fuzz); this file',
      'holds the measurements, which tests never time.',
      '',
      ...table,
      '',
      '## What the server does',
      '',
      '- A peer that writes faster than it reads: once 64 KiB of replies wait to be sent, the server stops',
      '  reading it until the socket drains, so its requests wait in TCP, not in memory; if it never reads',
      '  again, it answers no ping and the heartbeat terminates it.',
      '- Frames queued behind a slow (async) handler: reading pauses as soon as one waits; more than',
      '  `maxQueuedFrames` (default 4096) arriving in what was already read closes it with 1008.',
      '- Pushes (broadcasts, `ctx.send`) to a peer that does not read: past `maxBufferedBytes` (default',
      '  4 MiB) the connection is closed with 1008, logged once, and cut a second later if the close',
      '  cannot be flushed. Nothing waits for it: the sender and other members go on at full speed.',
      '- Heartbeat every `heartbeatIntervalMs` (default 30 s): no pong (nor any frame) by the next tick',
      '  terminates the connection, which runs onDisconnect. A connection paused because its own',
      '  handlers are behind is not cut for that.',
      "- With `RATE_LIMIT`: each frame is counted against its connection's token bucket as it arrives,",
      '  before it is parsed; one over it is answered `rate_limited` (in its place among the replies) and',
      "  not handled; a spell over it of `close` seconds' allowance closes the connection with 1008 and",
      '  drops what it had queued. The frames allowed are handled an event-loop turn apart, so other',
      '  connections get turns in between.',
      '- SIGTERM/SIGINT or `server.close()`: stop listening (upgrades that still arrive get 503), let',
      '  running and queued handlers finish and reply (up to `shutdownTimeoutMs`, default 3 s), close',
      '  with 1001, leave every group, run onDisconnect, exit 0. A second signal exits at once.',
      '',
      ...(kept === '' ? [] : [kept]),
    ].join('\n'),
  );
  process.stderr.write('wrote RELIABILITY.md\n');
}
process.exit(0);
