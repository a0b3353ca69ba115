/**
 * Several causes may hold one connection's reading paused (handlers behind, replies undrained,
 * shutdown): the socket pauses on the first and is read again only when the last one lets go.
 */
import { expect, it } from 'vitest';
import type WebSocket from 'ws';
import { HANDLERS_BEHIND, holdReading, releaseReading, REPLIES_UNDRAINED, SHUTTING_DOWN } from '../../src/runtime/limits/read-gate.js';

function socket(): { ws: WebSocket; calls: string[] } {
  const calls: string[] = [];
  return { ws: { pause: () => void calls.push('pause'), resume: () => void calls.push('resume') } as unknown as WebSocket, calls };
}

it('pauses on the first cause, and resumes only when no cause is left', () => {
  const { ws, calls } = socket();
  let held = holdReading(ws, 0, HANDLERS_BEHIND);
  held = holdReading(ws, held, REPLIES_UNDRAINED);
  expect(calls).toEqual(['pause']);
  held = releaseReading(ws, held, REPLIES_UNDRAINED);
  expect([held, calls]).toEqual([HANDLERS_BEHIND, ['pause']]);
  held = releaseReading(ws, held, HANDLERS_BEHIND);
  expect([held, calls]).toEqual([0, ['pause', 'resume']]);
});

it("keeps shutdown's hold when another cause lets go, and ignores letting go of a cause not held", () => {
  const { ws, calls } = socket();
  let held = holdReading(ws, 0, SHUTTING_DOWN);
  held = releaseReading(ws, held, REPLIES_UNDRAINED);
  held = holdReading(ws, held, HANDLERS_BEHIND);
  held = releaseReading(ws, held, HANDLERS_BEHIND);
  expect([held, calls]).toEqual([SHUTTING_DOWN, ['pause']]);
});
