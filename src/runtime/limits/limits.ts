/** What one connection may make the server hold, with the defaults `createChanxServer` uses. */

export interface ConnectionLimits {
  /** Bytes queued for sending (ws `bufferedAmount`) above which the connection is closed with 1008. */
  readonly maxBufferedBytes: number;
  /** Bytes queued for sending at which reading pauses until the socket drains. */
  readonly pauseReadingAtBytes: number;
  /** Frames that may wait behind an unfinished handler; one more closes the connection with 1008. */
  readonly maxQueuedFrames: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_QUEUED_FRAMES = 4096;
/** Replies this far behind pause reading (never more than half the outbound limit). */
const PAUSE_READING_AT = 64 * 1024;

export function resolveLimits(options: { maxBufferedBytes?: number; maxQueuedFrames?: number }): ConnectionLimits {
  const maxBufferedBytes = positive(options.maxBufferedBytes, DEFAULT_MAX_BUFFERED_BYTES, 'maxBufferedBytes');
  return {
    maxBufferedBytes,
    pauseReadingAtBytes: Math.min(PAUSE_READING_AT, Math.floor(maxBufferedBytes / 2)),
    maxQueuedFrames: positive(options.maxQueuedFrames, DEFAULT_MAX_QUEUED_FRAMES, 'maxQueuedFrames'),
  };
}

/** `value` when given (a positive number, Infinity allowed), else `fallback`. */
export function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}
