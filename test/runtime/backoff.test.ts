/** RedisLayer's reconnection backoff: exponential from a quick first retry, capped, with jitter. */
import { expect, it } from 'vitest';
import { reconnectDelay } from '../../src/runtime/support/backoff.js';

const LOWEST = () => 0;
const HIGHEST = () => 0.999999;

it('starts within a tenth of a second or so and waits longer after each failure, whatever the jitter, until the cap', () => {
  expect(reconnectDelay(1, 2000, HIGHEST)).toBeLessThanOrEqual(125);
  for (let attempt = 1; reconnectDelay(attempt + 1, 2000, LOWEST) < 2000 * 0.75; attempt++) {
    expect(reconnectDelay(attempt + 1, 2000, LOWEST)).toBeGreaterThan(reconnectDelay(attempt, 2000, HIGHEST));
  }
});

it('stays within 25% of the cap once there, however many attempts, and spreads processes apart', () => {
  for (const attempt of [5, 11, 12, 50, 1000]) {
    for (const random of [LOWEST, HIGHEST, () => 0.5]) {
      const delay = reconnectDelay(attempt, 1000, random);
      expect(delay).toBeGreaterThanOrEqual(750);
      expect(delay).toBeLessThanOrEqual(1250);
    }
    expect(reconnectDelay(attempt, 1000, LOWEST)).toBeLessThan(reconnectDelay(attempt, 1000, HIGHEST));
  }
});
