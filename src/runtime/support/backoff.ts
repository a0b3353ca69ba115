/**
 * How long RedisLayer waits before its `attempt`-th reconnection: 100 ms, doubling each time up to
 * `maxMs`, spread by ±25% at random so that processes cut off together do not come back in step.
 */
export function reconnectDelay(attempt: number, maxMs: number, random: () => number = Math.random): number {
  return Math.min(50 * 2 ** Math.min(attempt, 10), maxMs) * (0.75 + random() / 2);
}
