/**
 * Generation: whole-process wall time and peak RSS of chanx-gen vs parser + Modelina, growth with
 * document size, --check on an unchanged tree vs `node -e 0`, and regeneration in --watch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { median, type Row } from './stats.js';
import { SHARED } from '../test/helpers/corpus.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RSS = path.join(ROOT, 'bench/report-rss.mjs');
/** Also reports the process's CPU time (user + system) on exit: unlike wall time, it hardly moves when other work shares the machine. */
const CPU = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nbench-cpu-us='+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;

interface Measured {
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  code: number;
}

/** The runs under way (one at a time), for a stop to end first. */
const running = new Set<ChildProcess>();
/** `child`, among the runs under way until it exits. */
function tracked(child: ChildProcess): ChildProcess {
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}
/** Set when the bench is stopped (a signal): no run is started after. */
let stopping = false;

function measure(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = process.env): Promise<Measured> {
  // Stopping: the run that ends now must not be followed by another, which would write on after the folder is gone.
  if (stopping) return new Promise(() => undefined);
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = tracked(spawn(process.execPath, ['--import', RSS, '--import', CPU, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] }));
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      // Killed by a stop: nothing waits for its figures (the bench ends once the folder is removed).
      if (stopping) return;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const kb = Number(/bench-maxrss-kb=(\d+)/.exec(err)?.[1] ?? NaN);
      const cpuSeconds = Number(/bench-cpu-us=(\d+)/.exec(err)?.[1] ?? NaN) / 1e6;
      resolve({ seconds, cpuSeconds, maxRssMiB: kb / 1024, code: code ?? -1 });
    });
  });
}

async function repeat(times: number, run: () => Promise<Measured>): Promise<Measured> {
  const all: Measured[] = [];
  for (let i = 0; i < times; i++) all.push(await run());
  return medianOf(all);
}

function medianOf(all: Measured[]): Measured {
  if (all.some((m) => m.code !== 0)) throw new Error('a measured run failed');
  return {
    seconds: median(all.map((m) => m.seconds)),
    cpuSeconds: median(all.map((m) => m.cpuSeconds)),
    maxRssMiB: median(all.map((m) => m.maxRssMiB)),
    code: 0,
  };
}

/**
 * Output folders (and the spec folders of the growth rows) live in the project, under .scratch/, as a
 * user's generated/ does, not in the OS temp folder: on the machine this was first measured on, creating a
 * file under /tmp cost ~0.5 ms of kernel time against ~0.02 ms elsewhere on the same disk, which
 * weighed on whichever tool writes more files (OKX: chanx-gen 419, Modelina 182). All of it is
 * removed when the bench ends, or is stopped (Ctrl-C, a kill).
 */
let scratchRoot: string | undefined;
function scratch(): string {
  if (scratchRoot === undefined) {
    mkdirSync(path.join(ROOT, '.scratch'), { recursive: true });
    const root = mkdtempSync(path.join(ROOT, '.scratch', 'bench-'));
    const remove = () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    process.on('exit', remove);
    // Stopped by Ctrl-C or a kill ('exit' does not run then): the run under way is ended first, so
    // that nothing writes into the folder as it goes, then the folder removed. A second signal (tsx
    // passes Ctrl-C on to the process that already had it) changes nothing.
    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      // A run still in `running` has not exited (tracked() drops it then).
      const children = [...running];
      for (const child of children) child.kill('SIGKILL');
      void Promise.all(children.map((child) => once(child, 'exit'))).then(() => {
        try {
          remove();
        } finally {
          process.exit(code);
        }
      });
    };
    process.on('SIGINT', () => stop(130));
    process.on('SIGTERM', () => stop(143));
    scratchRoot = root;
  }
  return mkdtempSync(path.join(scratchRoot, 'run-'));
}

export const DOCUMENTS: [string, string][] = [
  ['system spec', 'specs/system.yaml'],
  ['Chanx sandbox', path.relative(ROOT, path.join(SHARED, 'chanx/fastapi-sandbox.asyncapi.json'))],
  ['OKX', path.relative(ROOT, path.join(SHARED, 'corpus/real/okx-ws.kanekoshoyu.yaml'))],
];

/** Where the CLI keeps the parser's verdict on unchanged inputs (src/load/verdict-cache.ts). */
const VERDICTS = path.join(ROOT, 'node_modules/.cache/chanx-gen-verdicts');

/**
 * Each document four ways, interleaved run by run: chanx-gen as a rerun finds it (the parser's
 * verdict on these bytes kept by the run before), chanx-gen on a first run (no verdict kept: the
 * parser reads the document; V8's code for chanx-gen and its dependencies kept by earlier runs, as
 * Node 22's compile cache keeps it, src/code-cache.ts on Node 20), chanx-gen's very first run after
 * an install (that code cache empty too, and written at the end), and the anchor.
 */
export async function benchGeneration(times = 5): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [label, spec] of DOCUMENTS) {
    const kept: Measured[] = [];
    const first: Measured[] = [];
    const installed: Measured[] = [];
    const anchor: Measured[] = [];
    await measure(['bin/chanx-gen.js', spec, '-o', scratch(), '-q']); // keeps the verdict (and the code)
    for (let i = 0; i < times; i++) {
      kept.push(await measure(['bin/chanx-gen.js', spec, '-o', scratch(), '-q']));
      rmSync(VERDICTS, { recursive: true, force: true });
      first.push(await measure(['bin/chanx-gen.js', spec, '-o', scratch(), '-q']));
      rmSync(VERDICTS, { recursive: true, force: true });
      const code = scratch();
      installed.push(await measure(['bin/chanx-gen.js', spec, '-o', scratch(), '-q'], ROOT, { ...process.env, NODE_COMPILE_CACHE: code }));
      rmSync(code, { recursive: true, force: true });
      anchor.push(await measure(['bench/modelina-baseline.mjs', spec, scratch()]));
    }
    const [ours, cold, fresh, theirs] = [kept, first, installed, anchor].map(medianOf) as [Measured, Measured, Measured, Measured];
    const versus = (m: Measured) =>
      `peak RSS ${m.maxRssMiB.toFixed(0)} MiB; ${(m.seconds / theirs.seconds).toFixed(2)}x the anchor's time; CPU ${(m.cpuSeconds * 1000).toFixed(0)} ms, ${(m.cpuSeconds / theirs.cpuSeconds).toFixed(2)}x the anchor's`;
    rows.push({ name: `generate ${label}: chanx-gen`, value: ours.seconds * 1000, unit: 'ms', extra: `rerun, verdict kept; ${versus(ours)}` });
    rows.push({
      name: `generate ${label}: chanx-gen, first run`,
      value: cold.seconds * 1000,
      unit: 'ms',
      extra: `no verdict kept (code cache warm); ${versus(cold)}`,
    });
    rows.push({
      name: `generate ${label}: chanx-gen, first run after install`,
      value: fresh.seconds * 1000,
      unit: 'ms',
      extra: `nothing kept, code cache written; ${versus(fresh)}`,
    });
    rows.push({
      name: `generate ${label}: parser + Modelina`,
      value: theirs.seconds * 1000,
      unit: 'ms',
      extra: `peak RSS ${theirs.maxRssMiB.toFixed(0)} MiB; CPU ${(theirs.cpuSeconds * 1000).toFixed(0)} ms`,
    });
  }
  return rows;
}

/** A document with `n` channels, each receiving two messages (one with a reply). */
export function syntheticSpec(n: number): string {
  const lines = ['asyncapi: 3.0.0', "info: { title: synthetic, version: '1' }", 'channels:'];
  const ops = ['operations:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  c${i}:`, `    address: /ws/c${i}`, '    messages:');
    for (const [k, extra] of [
      ['ask', `, q${i}: { type: string }`],
      ['answer', ', a: { type: integer }'],
      ['ping', ''],
    ] as const) {
      lines.push(`      ${k}: { payload: { type: object, properties: { action: { const: ${k} }${extra} } } }`);
    }
    ops.push(
      `  ask${i}: { action: receive, channel: { $ref: '#/channels/c${i}' }, messages: [{ $ref: '#/channels/c${i}/messages/ask' }], reply: { channel: { $ref: '#/channels/c${i}' }, messages: [{ $ref: '#/channels/c${i}/messages/answer' }] } }`,
    );
    ops.push(`  ping${i}: { action: receive, channel: { $ref: '#/channels/c${i}' }, messages: [{ $ref: '#/channels/c${i}/messages/ping' }] }`);
  }
  return `${[...lines, ...ops].join('\n')}\n`;
}

export async function benchGrowth(sizes = [10, 100, 1000], times = 3): Promise<Row[]> {
  const rows: Row[] = [];
  let previous: { n: number; ms: number } | undefined;
  for (const n of sizes) {
    const dir = scratch();
    writeFileSync(path.join(dir, 'spec.yaml'), syntheticSpec(n));
    const m = await repeat(times, () => measure([path.join(ROOT, 'bin/chanx-gen.js'), 'spec.yaml', '-o', scratch(), '-q'], dir));
    const ms = m.seconds * 1000;
    // Linear growth shows as a constant cost per added channel (start-up is paid once).
    const marginal = previous === undefined ? '' : `${((ms - previous.ms) / (n - previous.n)).toFixed(1)} ms per channel added since ${previous.n}; `;
    rows.push({ name: `growth: ${n} channels`, value: ms, unit: 'ms', extra: `${marginal}peak RSS ${m.maxRssMiB.toFixed(0)} MiB` });
    previous = { n, ms };
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export async function benchCheck(times = 7): Promise<Row[]> {
  const out = scratch();
  await measure(['bin/chanx-gen.js', 'specs/system.yaml', '-o', out, '-q']);
  const check = await repeat(times, () => measure(['bin/chanx-gen.js', 'specs/system.yaml', '-o', out, '--check', '-q']));
  const bare = await repeat(times, () => measure(['-e', '0']));
  return [
    { name: '--check, unchanged tree', value: check.seconds * 1000, unit: 'ms', extra: `${(check.seconds / bare.seconds).toFixed(2)}x node -e 0` },
    { name: 'node -e 0', value: bare.seconds * 1000, unit: 'ms' },
  ];
}

/** Time from a one-line spec edit to the rewritten output, minus the watcher's settle period. */
export async function benchWatch(edits = 5): Promise<Row[]> {
  const dir = scratch();
  const spec = path.join(dir, 'system.yaml');
  writeFileSync(spec, readFileSync(path.join(ROOT, 'specs/system.yaml'), 'utf8'));
  const child = tracked(
    spawn(process.execPath, [path.join(ROOT, 'bin/chanx-gen.js'), 'system.yaml', '--watch', '-q', '-o', 'out'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const until = async (test: () => boolean) => {
    while (!test()) await new Promise((r) => setTimeout(r, 2));
  };
  await until(() => out.includes('watching'));
  const target = path.join(dir, 'out/system/messages.ts');
  const times: number[] = [];
  for (let i = 0; i < edits; i++) {
    const before = readFileSync(target, 'utf8');
    const start = performance.now();
    writeFileSync(spec, readFileSync(spec, 'utf8').replace(/title: System echo.*\n/, `title: System echo ${i}\n`));
    await until(() => readFileSync(target, 'utf8') !== before);
    times.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  const settle = 50;
  return [
    {
      name: '--watch: one-line edit to new output',
      value: median(times) - settle,
      unit: 'ms',
      extra: `after the ${settle} ms settle period (${median(times).toFixed(0)} ms including it)`,
    },
  ];
}
