/**
 * The starter test chanx-gen writes beside a new stub (DESIGN §14), run as a user runs it: compiled
 * by tsc and run by `node --test`. Over the stub, the test of the handler whose reply the document
 * fixes (ping) passes and the others fail; once the handlers are written, all of them pass.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, ROOT, scratch } from '../helpers/cli.js';
import { tsc } from '../helpers/tsc.js';

/** Compiles the project in `dir` and runs its starter test; the verdict of each test by title. */
async function runStarter(dir: string): Promise<Record<string, 'ok' | 'not ok'>> {
  const built = await tsc(['-p', path.join(dir, 'tsconfig.json')]);
  if (built.code !== 0) throw new Error(`tsc failed:\n${built.output}`);
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'build/generated/room_chat/consumer.test.js'], { cwd: dir, encoding: 'utf8' });
  const verdicts: Record<string, 'ok' | 'not ok'> = {};
  for (const m of run.stdout.matchAll(/^ {4}(ok|not ok) \d+ - (.+)$/gm)) verdicts[m[2]!] = m[1] as 'ok' | 'not ok';
  return verdicts;
}

const FILLED = `import type { RoomChatContext, RoomChatHandlers } from './handlers.js';
import type * as M from './messages.js';

export class RoomChatConsumer implements RoomChatHandlers {
  onConnect(ctx: RoomChatContext): void {
    ctx.join(ctx.params.room_name);
  }
  onPing(): M.PongMessage {
    return { action: 'pong', payload: null };
  }
  onRoomChat(message: M.RoomChatMessage, ctx: RoomChatContext): void {
    ctx.broadcast({ action: 'room_notification', payload: { message: message.payload.message, room_name: ctx.params.room_name } });
  }
  onShape(message: M.ShapeMessage, ctx: RoomChatContext): M.RoomNotificationMessage {
    return { action: 'room_notification', payload: { message: message.payload.kind, room_name: ctx.params.room_name } };
  }
}
`;

it('passes where the document fixes the reply, fails until each other handler is written, then passes', { timeout: 180_000 }, async () => {
  const dir = scratch();
  writeFileSync(path.join(dir, 'spec.yaml'), readFileSync(path.join(ROOT, 'test/fixtures/room-chat/spec.yaml')));
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, skipLibCheck: true, rootDir: '.', outDir: 'build' },
      include: ['generated'],
    }),
  );
  // The fixture's spec references a schema file beside it.
  cpSync(path.join(ROOT, 'test/fixtures/room-chat/schemas'), path.join(dir, 'schemas'), { recursive: true });
  const made = await cli(['spec.yaml'], dir);
  expect(made.code).toBe(0);
  expect(made.stdout).toContain('created generated/room_chat/consumer.test.ts: a starter test of its channel (node:test)');

  expect(await runStarter(dir)).toEqual({
    'ping: onPing answers pong': 'ok',
    'room_chat: onRoomChat takes it without an error': 'not ok',
    'shape: onShape answers room_notification': 'not ok',
  });

  writeFileSync(path.join(dir, 'generated/room_chat/consumer.ts'), FILLED);
  expect(await runStarter(dir)).toEqual({
    'ping: onPing answers pong': 'ok',
    'room_chat: onRoomChat takes it without an error': 'ok',
    'shape: onShape answers room_notification': 'ok',
  });
  // Regenerating keeps the test as it is, and --check has nothing to say of it.
  writeFileSync(path.join(dir, 'generated/room_chat/consumer.test.ts'), '// mine now\n');
  expect((await cli(['spec.yaml'], dir)).code).toBe(0);
  expect((await cli(['spec.yaml', '--check'], dir)).code).toBe(0);
  expect(readFileSync(path.join(dir, 'generated/room_chat/consumer.test.ts'), 'utf8')).toBe('// mine now\n');
});
