/** Issue 11 item 5: the origin allow-list (403 before the upgrade) and the connection cap (503). */
import { describe, expect, it } from 'vitest';
import { originAllowed } from '../../src/runtime/server/admission.js';
import { connect, upgradeStatus, upgradeStatusLine } from '../helpers/ws-client.js';
import { SystemConsumer } from '../../generated/system/consumer.js';
import { serve, until, WELCOME } from './serve.js';

describe('allowedOrigins', () => {
  it('lets in listed origins, patterns and clients without an Origin; refuses others with 403', async () => {
    const s = await serve(undefined, { allowedOrigins: ['https://app.example.com', 'https://*.example.org', /^http:\/\/localhost:\d+$/] });
    expect(await upgradeStatus(s.url, 'https://app.example.com')).toBe(101);
    expect(await upgradeStatus(s.url, 'HTTPS://APP.EXAMPLE.COM')).toBe(101);
    expect(await upgradeStatus(s.url, 'https://a.example.org')).toBe(101);
    expect(await upgradeStatus(s.url, 'http://localhost:5173')).toBe(101);
    expect(await upgradeStatus(s.url)).toBe(101);
    expect(await upgradeStatus(s.url, 'https://evil.example.com')).toBe(403);
    expect(await upgradeStatus(s.url, 'https://example.org')).toBe(403);
    expect(await upgradeStatus(s.url, 'https://a.example.org.evil.com')).toBe(403);
    expect(await upgradeStatus(s.url, 'null')).toBe(403);
    expect(await upgradeStatusLine(s.url, 'https://evil.example.com')).toEqual({ code: 403, text: 'Forbidden' });
    // Refused before the path is even looked at: a foreign page learns nothing of the routes.
    expect(await upgradeStatus(`${s.base}/nope`, 'https://evil.example.com')).toBe(403);
    await s.close();
  });

  it('is off by default: any origin connects', async () => {
    const s = await serve();
    expect(await upgradeStatus(s.url, 'https://anything.test')).toBe(101);
    await s.close();
  });

  it('matches `*` within one host label run, never across `/`, without case', () => {
    const allowed = originAllowed(['https://*.example.com']);
    expect(allowed('https://x.y.example.com')).toBe(true);
    expect(allowed('HTTPS://X.EXAMPLE.COM')).toBe(true);
    expect(allowed('https://example.com')).toBe(false);
    expect(allowed('https://x/y.example.com')).toBe(false);
  });

  it('takes a rule written with a trailing slash as the origin it names, and its dots literally', () => {
    const allowed = originAllowed(['https://app.example.com/', 'http://*.local:8080/']);
    expect([allowed('https://app.example.com'), allowed('http://a.local:8080')]).toEqual([true, true]);
    expect([allowed('https://app.example.com/'), allowed('https://appxexample.com'), allowed('http://a.local:8081')]).toEqual([false, false, false]);
  });

  it('tests a global RegExp afresh on every origin (its lastIndex is not carried over)', () => {
    const allowed = originAllowed([/^https:\/\/ok\.test$/g]);
    expect([allowed('https://ok.test'), allowed('https://ok.test'), allowed('https://ok.test')]).toEqual([true, true, true]);
  });
});

/** The upgrade's status once it is 101, or the last one after a second of asking (a close takes a turn or two to count). */
async function statusOnceFree(url: string): Promise<number | undefined> {
  let status: number | undefined;
  for (let i = 0; i < 50 && status !== 101; i++) {
    status = await upgradeStatus(url);
    if (status !== 101) await new Promise((r) => setTimeout(r, 20));
  }
  return status;
}

describe('maxConnections', () => {
  it('answers 503 over the cap and accepts again once a connection closed', async () => {
    const s = await serve(undefined, { maxConnections: 2 });
    const a = await connect(s.url);
    const b = await connect(s.url);
    expect(await upgradeStatusLine(s.url)).toEqual({ code: 503, text: 'Service Unavailable' });
    a.ws.close();
    await a.closed;
    expect(await statusOnceFree(s.url)).toBe(101);
    b.ws.close();
    await s.close();
  });

  it('does not count a closed connection whose handler never settles: its place is free once it closed', async () => {
    let started = 0;
    class Hanging extends SystemConsumer {
      override onUserMessage(): Promise<never> {
        started++;
        return new Promise<never>(() => undefined);
      }
    }
    const s = await serve(Hanging, { maxConnections: 1, shutdownTimeoutMs: 100 });
    const a = await connect(s.url);
    expect(await a.next()).toBe(WELCOME);
    a.ws.send('{"action":"user_message","payload":{"message":"hang"}}');
    await until(() => started === 1);
    expect(await upgradeStatus(s.url)).toBe(503);
    a.ws.close();
    await a.closed;
    expect(await statusOnceFree(s.url)).toBe(101);
    // Shutdown still waits for it, within shutdownTimeoutMs, and then ends.
    await s.close();
  });

  it('has no cap by default', async () => {
    const s = await serve();
    const clients = await Promise.all(Array.from({ length: 30 }, () => connect(s.url)));
    expect(await upgradeStatus(s.url)).toBe(101);
    for (const c of clients) c.ws.close();
    await s.close();
  });
});

describe('options a server refuses to start with', () => {
  it.each([
    [{ maxConnections: 0 }, RangeError, 'maxConnections must be a positive number, got 0'],
    [{ maxConnections: Number.NaN }, RangeError, 'maxConnections must be a positive number, got NaN'],
    [{ maxQueuedFrames: -1 }, RangeError, 'maxQueuedFrames must be a positive number, got -1'],
    [{ maxBufferedBytes: 0 }, RangeError, 'maxBufferedBytes must be a positive number, got 0'],
    [{ maxBufferedBytes: Number.NaN }, RangeError, 'maxBufferedBytes must be a positive number, got NaN'],
    [{ maxQueuedFrames: '5' as unknown as number }, RangeError, 'maxQueuedFrames must be a positive number, got 5'],
    [{ allowedOrigins: [5 as unknown as string] }, TypeError, 'allowedOrigins: 5 is neither a string nor a RegExp'],
  ])('%j: %s', async (options, type, message) => {
    const made = serve(undefined, options);
    await expect(made).rejects.toThrow(type);
    await expect(made).rejects.toThrow(message);
  });
});
