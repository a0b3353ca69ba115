/**
 * Scratch folders of a test run live under .scratch/; each run starts and ends without them.
 * The run's type-check server (test/helpers/tsc-server.mjs, used through test/helpers/tsc.ts) starts
 * here and stops at the end; its address reaches the test workers in CHANX_GEN_TSC_SERVER.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const scratchRoot = fileURLToPath(new URL('../.scratch', import.meta.url));
const serverScript = fileURLToPath(new URL('./helpers/tsc-server.mjs', import.meta.url));

// Under mutation testing (npm run mutate) several runners share one sandbox: one must not remove
// another's scratch folders; Stryker removes the whole sandbox afterwards. Nor does it run tsc.
const shared = process.env.STRYKER_MUTATOR_WORKER !== undefined;
const mutating = process.env.CHANX_GEN_MUTATING === '1';

// Each project (vitest.config.ts) runs this setup: the first starts the server, the last stops it.
const state = globalThis as { chanxTscServer?: { child: ChildProcess; users: number } };

export async function setup(): Promise<void> {
  if (!shared) rmSync(scratchRoot, { recursive: true, force: true });
  if (mutating) return;
  if (state.chanxTscServer === undefined) {
    const child = spawn(process.execPath, [serverScript], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /listening (\d+)/.exec(out);
        if (m !== null) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the tsc server exited with ${code} before listening`)));
    });
    process.env.CHANX_GEN_TSC_SERVER = `http://127.0.0.1:${port}/`;
    state.chanxTscServer = { child, users: 0 };
  }
  state.chanxTscServer.users++;
}

export async function teardown(): Promise<void> {
  if (!shared) rmSync(scratchRoot, { recursive: true, force: true });
  const server = state.chanxTscServer;
  if (server === undefined || --server.users > 0) return;
  state.chanxTscServer = undefined;
  delete process.env.CHANX_GEN_TSC_SERVER;
  if (server.child.exitCode === null) {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
}
