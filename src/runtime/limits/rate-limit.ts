/**
 * Frames per connection, as a token bucket: `burst` frames may come at once, then
 * `maxFramesPerSecond` on average. A frame over it is refused (answered, not handled). A
 * connection that keeps sending over it is to be closed (1008): once it has been over it for
 * `closeAfterMs`, or once it has sent, in one spell over it, as many refused frames as its
 * allowance for `closeAfterMs` (so that a flood of thousands of frames in a fraction of a second,
 * each of which costs a parse and an answer, is cut as soon as a slow trickle over the limit is).
 */

export interface RateLimit {
  /** Frames per second, on average, that one connection may send. */
  maxFramesPerSecond: number;
  /** Frames that may come at once after a quiet spell. Default: `maxFramesPerSecond` (one second's worth). */
  burst?: number;
  /** How long a connection may keep sending over the limit before it is closed with 1008, in ms. Default 3000. */
  closeAfterMs?: number;
}

export const DEFAULT_RATE_CLOSE_AFTER_MS = 3000;
/** A refusal this long after the previous one starts a new spell over the limit. */
const SPELL_GAP_MS = 1000;

const UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60 };

/** `100/s`, `100/s,burst=200`, `6000/m`: what RATE_LIMIT says. Throws a RangeError naming what is wrong. */
export function parseRateLimit(text: string): RateLimit {
  const [rate, ...options] = text.split(',').map((part) => part.trim());
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*([a-z]+)$/.exec(rate ?? '');
  const per = m === null ? undefined : UNITS[m[2]!];
  if (m === null || per === undefined || !(Number(m[1]) > 0)) {
    throw new RangeError(`RATE_LIMIT: expected frames per second such as '100/s' or '100/s,burst=200', got '${text}'`);
  }
  const limit: RateLimit = { maxFramesPerSecond: Number(m[1]) / per };
  for (const option of options) {
    const o = /^(burst|close)=(\d+)(ms|s)?$/.exec(option);
    if (o === null || Number(o[2]) <= 0) throw new RangeError(`RATE_LIMIT: unknown option '${option}' in '${text}' (burst=N, close=Ns)`);
    if (o[1] === 'burst') limit.burst = Number(o[2]);
    else limit.closeAfterMs = Number(o[2]) * (o[3] === 'ms' ? 1 : 1000);
  }
  return checkRateLimit(limit);
}

export function checkRateLimit(limit: RateLimit): RateLimit {
  const { maxFramesPerSecond: rate, burst, closeAfterMs } = limit;
  if (typeof rate !== 'number' || !(rate > 0) || rate === Infinity)
    throw new RangeError(`rateLimit.maxFramesPerSecond must be a positive number, got ${String(rate)}`);
  if (burst !== undefined && !(burst >= 1)) throw new RangeError(`rateLimit.burst must be at least 1, got ${String(burst)}`);
  if (closeAfterMs !== undefined && !(closeAfterMs > 0)) throw new RangeError(`rateLimit.closeAfterMs must be a positive number, got ${String(closeAfterMs)}`);
  return limit;
}

/**
 * What became of a frame that arrived (FrameBucket.arrive): taken, from a connection well under its
 * limit (its bucket was full); taken; refused after a frame taken (or first of all); refused after
 * another refusal; refused, and over the limit for too long (the connection is to be closed).
 */
export const Arrival = { Calm: 0, Taken: 1, FirstRefused: 2, Refused: 3, Cut: 4 } as const;
export type Arrival = (typeof Arrival)[keyof typeof Arrival];

/** One connection's bucket. `now` is in ms (performance.now()); tests pass their own clock. */
export class FrameBucket {
  private tokens: number;
  private last: number;
  private readonly perMs: number;
  private readonly burst: number;
  private readonly closeAfterMs: number;
  /** Start of the current spell over the limit, and the last refusal in it. */
  private overSince = -Infinity;
  private lastRefusal = -Infinity;
  private refusedInSpell = 0;
  private readonly maxRefused: number;
  /** Whether the last frame that arrived was refused. */
  private refusing = false;

  constructor(limit: RateLimit, now: number) {
    this.perMs = limit.maxFramesPerSecond / 1000;
    this.burst = limit.burst ?? Math.max(1, limit.maxFramesPerSecond);
    this.closeAfterMs = limit.closeAfterMs ?? DEFAULT_RATE_CLOSE_AFTER_MS;
    this.maxRefused = Math.max(this.burst, (limit.maxFramesPerSecond * this.closeAfterMs) / 1000);
    this.tokens = this.burst;
    this.last = now;
  }

  /** Takes a token for one frame; false when none is left (the frame is over the limit). */
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** After `take` said false: true when the connection has now been over the limit for `closeAfterMs`. */
  refused(now: number): boolean {
    if (now - this.lastRefusal > SPELL_GAP_MS) {
      this.overSince = now;
      this.refusedInSpell = 0;
    }
    this.lastRefusal = now;
    this.refusedInSpell++;
    return now - this.overSince >= this.closeAfterMs || this.refusedInSpell >= this.maxRefused;
  }

  /**
   * One frame arrives: taken, refused (the first of a run of refusals, or one more in it), or the
   * last straw (the connection is to be closed). Refusals come in runs, between frames taken: a
   * connection answers a run together, in a turn of its own.
   */
  arrive(now: number): Arrival {
    if (this.take(now)) {
      this.refusing = false;
      // A full bucket before this frame: the connection sends well under its limit.
      return this.tokens >= this.burst - 1 ? Arrival.Calm : Arrival.Taken;
    }
    if (this.refused(now)) return Arrival.Cut;
    const first = !this.refusing;
    this.refusing = true;
    return first ? Arrival.FirstRefused : Arrival.Refused;
  }

  /** For messages: the limit in words. */
  describe(): string {
    return `${+(this.perMs * 1000).toFixed(3)} frames/s, burst ${this.burst}`;
  }
}
