/**
 * Heartbeat: one timer per server pings every connection (ws-level ping) each interval; a
 * connection that has not shown life (a pong or any frame) since the previous tick is terminated,
 * which runs its onDisconnect. A dead peer is therefore gone within two intervals.
 */
export interface Beating {
  /** Called once per tick: terminate when silent since the last tick, else ping. */
  beat(): void;
}

export const DEFAULT_HEARTBEAT_MS = 30_000;

export interface Heartbeat {
  stop(): void;
}

export function startHeartbeat(intervalMs: number, members: Iterable<Beating>): Heartbeat {
  if (intervalMs === Infinity) return { stop: () => undefined };
  const timer = setInterval(() => {
    for (const member of members) member.beat();
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
