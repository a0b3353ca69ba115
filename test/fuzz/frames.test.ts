/**
 * Issue 11 item 8: random hostile frames against a real server on one connection. Properties: the
 * connection stays open, every frame gets exactly one answer (a reply or one error frame), answers
 * are JSON objects that never carry a key into a prototype, and nothing pollutes Object.prototype.
 * A seeded run is part of npm test; FUZZ_FRAMES=20000 (or more) runs a long one.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type Recorder } from '../helpers/ws-client.js';
import { serve, WELCOME, type Served } from '../runtime/serve.js';
import { frame } from './hostile-frames.js';

const TOTAL = Number(process.env['FUZZ_FRAMES'] ?? 1500);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261130);
const BATCH = 25;

let s: Served;
let client: Recorder;
let unhandled = 0;
const count = () => void unhandled++;
beforeAll(async () => {
  process.on('unhandledRejection', count);
  process.on('uncaughtException', count);
  s = await serve();
  client = await connect(s.url);
  expect(await client.next()).toBe(WELCOME);
});
afterAll(async () => {
  process.off('unhandledRejection', count);
  process.off('uncaughtException', count);
  client.ws.close();
  await s.close();
});

/** Every object in `value` has Object.prototype (or Array.prototype) as its prototype. */
function prototypesIntact(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype) return false;
  return Object.values(value).every(prototypesIntact);
}

it(`${TOTAL} random frames on one connection: one answer each, connection open, no prototype touched`, { timeout: Math.max(60_000, TOTAL * 20) }, async () => {
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: BATCH }), async (frames) => {
      for (const f of frames) client.ws.send(f.data, { binary: f.binary });
      sent += frames.length;
      for (let i = 0; i < frames.length; i++) {
        const answer = JSON.parse(await client.next(10_000)) as unknown;
        expect(answer !== null && typeof answer === 'object' && !Array.isArray(answer)).toBe(true);
        expect(['error', 'pong', 'system_echo']).toContain((answer as { action: unknown }).action);
        expect(prototypesIntact(answer)).toBe(true);
      }
      expect(client.pending()).toEqual([]);
      expect(client.ws.readyState).toBe(client.ws.OPEN);
    }),
    { seed: SEED, numRuns: Math.ceil(TOTAL / (BATCH / 2)), endOnFailure: true },
  );
  // Nothing left over: a final ping is answered by the very next frame.
  client.ws.send('{"action":"ping"}');
  expect(await client.nextJson()).toEqual({ action: 'pong', payload: null });
  expect(sent).toBeGreaterThan(TOTAL / 2);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(unhandled).toBe(0);
  expect(s.logged).toEqual([]);
});
