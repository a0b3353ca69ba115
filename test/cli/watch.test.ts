/** --watch: regenerates on change, survives errors, follows referenced files, settles quickly. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { run } from '../../src/cli.js';
import { scratch, write } from '../helpers/cli.js';

async function until(what: string, test: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('regenerates when the spec or a referenced file changes, and keeps going after an error', async () => {
  const dir = scratch();
  const spec = path.join(dir, 'api.yaml');
  const common = path.join(dir, 'schemas/common.yaml');
  write(common, 'Hello:\n  type: object\n  properties:\n    action: { const: hello }\n');
  const good =
    "asyncapi: 3.0.0\ninfo: { title: t, version: '1' }\nchannels:\n  c:\n    address: /c\n    messages:\n      hello: { payload: { $ref: 'schemas/common.yaml#/Hello' } }\noperations:\n  r:\n    action: receive\n    channel: { $ref: '#/channels/c' }\n    messages: [{ $ref: '#/channels/c/messages/hello' }]\n";
  write(spec, good);
  let stdout = '';
  let stderr = '';
  let stop!: () => void;
  const stopWatching = new Promise<void>((resolve) => (stop = resolve));
  const done = run(['api.yaml', '--watch', '-o', 'out'], { cwd: dir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stopWatching });
  const messages = () => readFileSync(path.join(dir, 'out/c/messages.ts'), 'utf8');
  try {
    await until('first generation', () => stdout.includes('watching for changes'));
    expect(messages()).toContain("action: 'hello';");

    write(common, 'Hello:\n  type: object\n  properties:\n    action: { const: hello }\n    name: { type: string }\n');
    const changedAt = Date.now();
    await until('regeneration after a referenced file changed', () => messages().includes('name?: string;'));
    expect(Date.now() - changedAt).toBeLessThan(1000 + 1000); // settles within a second (plus slack for a loaded CI machine)
    expect(stdout).toContain('changed: schemas/common.yaml');

    write(spec, 'asyncapi: 3.0.0\ninfo: [broken\n');
    await until('the error to be printed', () => stderr.includes('api.yaml:3:1: error: Unexpected end of the stream within a flow collection'));
    expect(messages()).toContain('name?: string;');

    write(spec, good.replace('hello: {', 'greeting: {').replace('messages/hello', 'messages/greeting'));
    await until('recovery after the error', () => readFileSync(path.join(dir, 'out/c/handlers.ts'), 'utf8').includes('onHello(message: Greeting'));
  } finally {
    stop();
  }
  expect(await done).toBe(0);
}, 60_000); // four generations in one test: over the 10 s a test gets under mutation (vitest.mutate.config.ts)
