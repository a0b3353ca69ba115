/**
 * The playground (GET /) in headless Chromium against the generated server: every channel and
 * message listed, connect to `system`, send a user_message and see the echo, all by keyboard,
 * with no console errors; the send box refuses a frame the document does not allow; readable at
 * a phone's width. CHANX_SCREENSHOT=1 also writes docs/playground.png for the README.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ChanxServer } from 'chanx-gen/runtime';
import { createServer as createHttpServer } from 'node:http';
import { createRequestHandler } from 'chanx-gen/runtime';
import { createServer } from '../../generated/server.js';
import { playgroundCsp, playgroundHtml } from '../fixtures/client-topics/expected/playground.js';
import { ROOT } from '../helpers/cli.js';
import { launch, runBrowserTests } from './chromium.js';

describe.skipIf(!runBrowserTests)('playground in Chromium', () => {
  let browser: Browser;
  let server: ChanxServer;
  let base: string;
  beforeAll(async () => {
    server = createServer();
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith(base.replace('http', 'ws'))) problems.push(`request outside the server: ${r.url()}`);
    });
    await page.goto(`${base}/`);
    return { page, problems };
  }

  /** Presses Tab until `selector` has the focus (at most 40 times). */
  async function tabTo(page: Page, selector: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  it('lists every channel and message, connects and gets an echo by keyboard alone', async () => {
    const { page, problems } = await open();
    const channels = page.locator('section.channel');
    await expect.poll(() => channels.count()).toBe(1);
    const text = await channels.first().innerText();
    for (const word of ['system', '/ws/system', 'System Messages Consumer', 'ping', 'user_message', 'pong', 'system_echo']) expect(text).toContain(word);

    await tabTo(page, '#connect');
    await page.keyboard.press('Enter');
    await page.locator('#status', { hasText: 'Connected to ws://' }).waitFor();
    await page.locator('#log li.received', { hasText: 'Connection established' }).waitFor();

    await tabTo(page, 'button[aria-label="Use user_message of system in the send box"]');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('frame');
    expect(JSON.parse(await page.locator('#frame').inputValue())).toMatchObject({ action: 'user_message', payload: { message: expect.any(String) } });

    // A frame the document does not allow is not sent.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('{"action":"user_message","payload":{}}');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('#problems').innerText()).toMatch(/Not sent.*\n.*message/);
    expect(await page.locator('#log li.sent').count()).toBe(0);

    await page.keyboard.press('Control+A');
    await page.keyboard.type('{"action":"user_message","payload":{"message":"Hi from the keyboard"}}');
    await page.keyboard.press('Control+Enter');
    await page.locator('#log li.sent', { hasText: '"Hi from the keyboard"' }).waitFor();
    await page.locator('#log li.received', { hasText: '🔧 System Echo: Hi from the keyboard' }).waitFor();
    expect(await page.locator('#problems').innerText()).toBe('');

    if (process.env['CHANX_SCREENSHOT'] === '1') {
      mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
      await page.screenshot({ path: path.join(ROOT, 'docs/playground.png'), fullPage: true });
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('highlights error frames', async () => {
    const { page, problems } = await open();
    await page.locator('#connect').click();
    await page.locator('#status', { hasText: 'Connected' }).waitFor();
    // The page checks a frame with the channel's own validators before sending it.
    await page.locator('#frame').fill('{"action":"user_message","payload":{"message":5}}');
    await page.locator('#send').click();
    expect(await page.locator('#problems').innerText()).toMatch(/^Not sent, the document does not allow it:\n.*\/payload\/message must be string$/);
    expect(await page.locator('#log li.sent').count()).toBe(0);
    // The validators ignore envelope keys; the server checks them: `ref` must be a string.
    await page.locator('#frame').fill('{"action":"ping","ref":7}');
    await page.locator('#send').click();
    const error = page.locator('#log li.error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/error frame[\s\S]*"action": "error"/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('is readable on a phone: nothing wider than the screen', async () => {
    const { page, problems } = await open({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("lists a hub's topics with a subscribe example and their messages (test/fixtures/client-topics)", async () => {
    const http = createHttpServer(createRequestHandler({ playground: { html: playgroundHtml, csp: playgroundCsp } }, () => false));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`http://127.0.0.1:${(http.address() as { port: number }).port}/`);
      const text = await page.locator('section.channel').first().innerText();
      expect(text).toContain('Topic room_topic (room:{room_name})');
      await page.locator('button[aria-label="Use subscribe of hub_room in the send box"]').click();
      expect(JSON.parse(await page.locator('#frame').inputValue())).toEqual({ action: 'subscribe', topic: 'room:room_name' });
      await page.locator('button[aria-label="Use post of hub_room in the send box"]').click();
      expect(JSON.parse(await page.locator('#frame').inputValue())).toEqual({ action: 'post', payload: { text: 'string' }, topic: 'room:room_name' });
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await new Promise((r) => http.close(r));
    }
  });

  it('serves the document as JSON and YAML', async () => {
    const json = await fetch(`${base}/asyncapi.json`);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await json.json()) as { asyncapi: string; channels: Record<string, unknown> };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.keys(doc.channels)).toEqual(['system']);
    const yaml = await fetch(`${base}/asyncapi.yaml`);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(await yaml.text()).toMatch(/^asyncapi: 3\.0\.0\n/);
    expect((await fetch(`${base}/ws/system`)).status).toBe(426);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect((await fetch(`${base}/asyncapi.json`, { method: 'POST' })).status).toBe(405);
  });
});
