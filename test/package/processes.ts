/** Commands run the way a person runs them in a shell, for the packaging test: npm, npx, node. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * The environment without what `npm test` adds (npm_config_*, npm_package_*, ...), so that npm in a
 * scratch project behaves as it does for a person there, not as part of this repository's run.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE_ENV' && k !== 'VITEST' && !k.startsWith('VITEST_')) env[k] = v;
  return { ...env, ...extra };
}

export interface Done {
  code: number;
  /** stdout and stderr as they came. */
  out: string;
  stdout: string;
  ms: number;
}

/** Runs `command` through sh in `cwd`; resolves with its exit code and everything it printed. */
export async function sh(command: string, cwd: string, env: Record<string, string> = {}): Promise<Done> {
  const started = performance.now();
  const child = spawn('sh', ['-c', command], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  child.stdout.on('data', (d) => ((out += d), (stdout += d)));
  child.stderr.on('data', (d) => (out += d));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code: code ?? -1, out, stdout, ms: Math.round(performance.now() - started) };
}

/** Runs `command` until it prints `listening on ws://127.0.0.1:<port>`; the caller stops it with `stop`. */
export async function serve(
  command: string,
  cwd: string,
  timeoutMs: number,
): Promise<{ port: number; stop: () => Promise<void>; child: ChildProcess; output: () => string }> {
  const child = spawn('sh', ['-c', command], { cwd, env: cleanEnv({ PORT: '0', HOST: '127.0.0.1' }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${out}`)));
      setTimeout(() => reject(new Error(`${command} printed no address within ${timeoutMs} ms:\n${out}`)), timeoutMs).unref();
    });
    return { port, stop, child, output: () => out };
  } catch (err) {
    await stop();
    throw err;
  }
}
