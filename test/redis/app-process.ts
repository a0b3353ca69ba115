/** The scale-out test app in a process of its own, as `npm start` runs it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { builtServer } from '../helpers/server-process.js';

export interface Started {
  child: ChildProcess;
  base: string;
  /** Everything the process printed so far. */
  output(): string;
}

/** Runs the app's generated/server.ts as `npm start` does, with `env` (REDIS_PREFIX proc:), on a free port. */
export async function startApp(dir: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [builtServer(dir)], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', REDIS_PREFIX: 'proc:', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the app exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`the app printed no address within 30 s: ${out}`)), 30_000).unref();
  });
  return { child, base: `ws://127.0.0.1:${port}`, output: () => out };
}

export async function until(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM, and waits for the exit. */
export async function stopApps(apps: readonly Started[]): Promise<void> {
  await Promise.all(
    apps.map(async (app) => {
      if (app.child.exitCode !== null || app.child.signalCode !== null) return;
      const exited = new Promise((resolve) => app.child.once('exit', resolve));
      app.child.kill('SIGTERM');
      await exited;
    }),
  );
}
