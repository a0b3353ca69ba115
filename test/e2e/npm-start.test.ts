/** `PORT=0 npm start` serves generated/ as a program: the path a new user takes. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { connect } from '../helpers/ws-client.js';

it('npm start serves the system channel on PORT and stops on SIGTERM', async () => {
  const child = spawn('npm', ['start', '--silent'], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${out}`)));
      setTimeout(() => reject(new Error(`npm start printed no address within 20 s: ${out}`)), 20_000).unref();
    });
    const client = await connect(`ws://127.0.0.1:${port}/ws/system`);
    expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System: Connection established!' } });
    client.ws.send('{"action":"user_message","payload":{"message":"Hello"}}');
    expect(await client.nextJson()).toEqual({ action: 'system_echo', payload: { message: '🔧 System Echo: Hello' } });
    client.ws.send('{"action":"ping"}');
    expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
    const closed = client.closed;
    process.kill(-child.pid!, 'SIGTERM');
    expect((await closed)[0]).toBe(1001);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
  }
});
