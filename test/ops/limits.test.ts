/** Issue 24: the token bucket, RATE_LIMIT's syntax, and who the client is for the per-IP cap. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Arrival, FrameBucket, parseRateLimit } from '../../src/runtime/limits/rate-limit.js';
import { clientAddress, IpCap, trustedSet } from '../../src/runtime/limits/ip-cap.js';

describe('RATE_LIMIT', () => {
  it('reads a rate, a burst and a close delay', () => {
    expect(parseRateLimit('100/s')).toEqual({ maxFramesPerSecond: 100 });
    expect(parseRateLimit('100/s,burst=200')).toEqual({ maxFramesPerSecond: 100, burst: 200 });
    expect(parseRateLimit(' 6000/m , burst=10, close=500ms')).toEqual({ maxFramesPerSecond: 100, burst: 10, closeAfterMs: 500 });
    expect(parseRateLimit('5/s,close=2s')).toEqual({ maxFramesPerSecond: 5, closeAfterMs: 2000 });
  });

  it.each(['', '100', '100/h', '0/s', '-1/s', '100/s,burst=0', '100/s,bursts=2', 'x/s'])('refuses %j, saying what it expects', (text) => {
    expect(() => parseRateLimit(text)).toThrow(/^RATE_LIMIT: /);
  });
});

describe('FrameBucket', () => {
  it('lets a burst through, then the rate, refilling with time up to the burst', () => {
    const bucket = new FrameBucket({ maxFramesPerSecond: 10, burst: 3 }, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(50)).toBe(false); // half a token
    expect(bucket.take(100)).toBe(true); // one token after 100 ms
    expect(bucket.take(100)).toBe(false);
    expect([0, 1, 2, 3].map(() => bucket.take(10_000))).toEqual([true, true, true, false]); // never more than the burst
  });

  it('asks for a close only after the connection stayed over the limit for closeAfterMs; a quiet second starts anew', () => {
    const bucket = new FrameBucket({ maxFramesPerSecond: 1, burst: 10, closeAfterMs: 3000 }, 0);
    expect(bucket.refused(0)).toBe(false);
    expect(bucket.refused(900)).toBe(false);
    expect(bucket.refused(1800)).toBe(false);
    expect(bucket.refused(2900)).toBe(false); // 1.1 s quiet: a new spell from here
    expect(bucket.refused(3800)).toBe(false);
    expect(bucket.refused(4700)).toBe(false);
    expect(bucket.refused(5600)).toBe(false);
    expect(bucket.refused(5900)).toBe(true); // 3 s since 2900, never a second apart
  });

  it('asks for a close once one spell over the limit has refused closeAfterMs worth of allowance (a flood is cut at once)', () => {
    const bucket = new FrameBucket({ maxFramesPerSecond: 100, burst: 20, closeAfterMs: 3000 }, 0);
    const verdicts = Array.from({ length: 300 }, (_, i) => bucket.refused(i / 100));
    expect(verdicts.indexOf(true)).toBe(299);
    // A quiet second starts a new spell with a new count.
    expect(bucket.refused(2000)).toBe(false);
  });

  it('tells each arriving frame calm (its bucket was full), taken, refused first in a run or further in it, or the last straw', () => {
    const bucket = new FrameBucket({ maxFramesPerSecond: 10, burst: 2, closeAfterMs: 1000 }, 0);
    const { Calm, Taken, FirstRefused, Refused, Cut } = Arrival;
    expect([0, 0, 0, 0, 0].map((t) => bucket.arrive(t))).toEqual([Calm, Taken, FirstRefused, Refused, Refused]);
    // A token back after 100 ms: taken (the bucket was not full), and the next refusal starts a new run.
    expect([100, 100, 100].map((t) => bucket.arrive(t))).toEqual([Taken, FirstRefused, Refused]);
    // Full again after a quiet 200 ms.
    expect(bucket.arrive(300)).toBe(Calm);
    // One spell refuses at most closeAfterMs worth of allowance (400 ms at 10/s: 4 frames); the fourth refusal is the close.
    const bucket2 = new FrameBucket({ maxFramesPerSecond: 10, burst: 1, closeAfterMs: 400 }, 0);
    expect([0, 0, 0, 0, 0].map((t) => bucket2.arrive(t))).toEqual([Calm, FirstRefused, Refused, Refused, Cut]);
  });
});

const request = (remoteAddress: string, forwarded?: string): IncomingMessage =>
  ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('ignores X-Forwarded-For without trusted proxies, or from a peer that is not one', () => {
    expect(clientAddress(request('::ffff:10.0.0.9', '1.2.3.4'), trustedSet(undefined))).toBe('10.0.0.9');
    expect(clientAddress(request('10.0.0.9', '1.2.3.4'), trustedSet(['10.0.0.1']))).toBe('10.0.0.9');
  });

  it('from a trusted proxy, takes the nearest address that is not a trusted proxy', () => {
    const trusted = trustedSet(['10.0.0.1', '10.0.0.2']);
    expect(clientAddress(request('10.0.0.1', '1.2.3.4'), trusted)).toBe('1.2.3.4');
    // A client's own (forged) entries come first; the proxies' appended ones last.
    expect(clientAddress(request('10.0.0.1', '6.6.6.6, 1.2.3.4, 10.0.0.2'), trusted)).toBe('1.2.3.4');
    expect(clientAddress(request('10.0.0.1'), trusted)).toBe('10.0.0.1');
  });
});

describe('IpCap', () => {
  it('admits up to max per address and again after a release', () => {
    const cap = new IpCap(2);
    expect([cap.admit('a'), cap.admit('a'), cap.admit('a'), cap.admit('b')]).toEqual([true, true, false, true]);
    cap.release('a');
    expect(cap.admit('a')).toBe(true);
    cap.release('b');
    expect(cap.count('b')).toBe(0);
    expect(() => new IpCap(0)).toThrow(/maxConnectionsPerIp must be a positive number/);
  });
});
