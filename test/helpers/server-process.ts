/** A server in a process of its own (as `npm start` runs it), for tests of signals and exits. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { ROOT, scratch } from './cli.js';

const built = new Map<string, string>();

/**
 * `dir`/generated transpiled as `npm start` does before it runs node (scripts/build-server.mjs: each
 * .ts file to a .js file, imports as they are), here with esbuild, into a scratch folder, once per
 * folder and test process; returns the server's entry, for plain node. Each process started with
 * tsx's loader instead cost about 1.3 CPU-s, against 0.4 for plain node.
 */
export function builtServer(dir = ROOT): string {
  let entry = built.get(dir);
  if (entry === undefined) {
    const from = path.join(dir, 'generated');
    const out = path.join(scratch(), 'build');
    const files = readdirSync(from, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    buildSync({
      entryPoints: files.map((f) => path.join(from, f)),
      outbase: from,
      outdir: out,
      format: 'esm',
      platform: 'node',
      target: 'es2022',
      logLevel: 'error',
    });
    entry = path.join(out, 'server.js');
    built.set(dir, entry);
  }
  return entry;
}

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** stdout and stderr so far. */
  output(): string;
}

/** Starts `args` under node with PORT=0 and resolves once it prints the address it listens on. */
export function spawnServer(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), output: () => out });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}
