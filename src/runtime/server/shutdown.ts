/**
 * Graceful shutdown of the open connections (the server has already stopped accepting):
 * 1. stop reading every connection, and let the handlers already running or queued finish and
 *    send their replies, for at most `handlerGraceMs`;
 * 2. close each with 1001; a peer that does not answer the close within CLOSE_GRACE_MS is cut;
 * 3. each closed connection leaves its groups and runs onDisconnect (bounded by CLOSE_GRACE_MS too).
 */
export interface Ending {
  stopReading(): Promise<void>;
  end(code: number, reason: string, graceMs: number): Promise<void>;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 3000;
export const CLOSE_GRACE_MS = 1000;

export async function endAll(connections: Iterable<Ending>, handlerGraceMs: number): Promise<void> {
  const all = [...connections];
  await within(Promise.all(all.map((c) => c.stopReading())), handlerGraceMs);
  await within(Promise.all(all.map((c) => c.end(1001, 'Server shutting down', CLOSE_GRACE_MS))), 2 * CLOSE_GRACE_MS);
}

/** Waits for `work`, but no longer than `ms`. */
function within(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}
