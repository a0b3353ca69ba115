/**
 * The generated client in a browser: generated/system/client.ts, transpiled as it is (no bundler),
 * its imports resolved by an import map to the built chanx-gen/client, loaded in a page that runs
 * requests against the generated server. Proves the browser build needs nothing from Node.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ChanxServer } from 'chanx-gen/runtime';
import { createServer } from '../../generated/server.js';
import { ROOT } from '../helpers/cli.js';
import { launch, runBrowserTests } from './chromium.js';

/** A static server for the page: generated/<channel>/* (TypeScript transpiled), and dist/runtime's client entries and client/ folder only. */
function pageServer(): Server {
  const importMap = { imports: { 'chanx-gen/client': '/lib/client.js', 'chanx-gen/client-ajv': '/lib/client-ajv.js' } };
  const page = `<!doctype html><html><head><link rel="icon" href="data:,"><script type="importmap">${JSON.stringify(importMap)}</script></head><body></body></html>`;
  return createHttpServer((req, res) => {
    const url = req.url ?? '/';
    const send = (type: string, body: string): void => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    if (url === '/') return send('text/html', page);
    let m = /^\/generated\/(system)\/([\w-]+)\.js$/.exec(url);
    if (m !== null) {
      const file = path.join(ROOT, 'generated', m[1]!, m[2]!);
      const js = ts.transpileModule(readFileSync(`${file}.ts`, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      }).outputText;
      return send('text/javascript', js);
    }
    m = /^\/lib\/(client(?:-ajv)?|client\/[\w-]+)\.js$/.exec(url);
    if (m !== null) return send('text/javascript', readFileSync(path.join(ROOT, 'dist/runtime', `${m[1]}.js`), 'utf8'));
    res.writeHead(404);
    res.end();
  });
}

describe.skipIf(!runBrowserTests)('generated client in Chromium', () => {
  let browser: Browser;
  let chanx: ChanxServer;
  let statics: Server;
  let wsUrl: string;
  let pageUrl: string;
  beforeAll(async () => {
    chanx = createServer();
    wsUrl = `ws://127.0.0.1:${await chanx.listen(0, '127.0.0.1')}`;
    statics = pageServer();
    await new Promise<void>((r) => statics.listen(0, '127.0.0.1', r));
    pageUrl = `http://127.0.0.1:${(statics.address() as { port: number }).port}/`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await chanx?.close();
    await new Promise((r) => statics?.close(r));
  });

  it('connects with the global WebSocket, sees the welcome, and runs requests', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pageUrl);
    // Source text, not a function: vitest would rewrite a function's import() for Node.
    const script = `(async () => {
      const { connectSystem } = await import('/generated/system/client.js');
      const { ChanxFrameError } = await import('chanx-gen/client');
      const client = await connectSystem(${JSON.stringify(wsUrl)});
      const welcome = await new Promise((resolve) => client.on('system_echo', resolve));
      const echo = await client.request({ action: 'user_message', payload: { message: 'from the browser' } });
      const many = await Promise.all([1, 2, 3].map((i) => client.request({ action: 'user_message', payload: { message: String(i) } })));
      const failure = await client.request({ action: 'user_message', payload: {} }).catch((e) => e);
      await client.close();
      return { welcome, echo, many: many.map((r) => r.payload.message), failed: failure instanceof ChanxFrameError, state: client.state };
    })()`;
    const result = (await page.evaluate(script)) as { welcome: unknown; echo: unknown; many: string[]; failed: boolean; state: string };
    expect(result.welcome).toEqual({ action: 'system_echo', payload: { message: '🔧 System: Connection established!' } });
    expect(result.echo).toMatchObject({ action: 'system_echo', payload: { message: '🔧 System Echo: from the browser' } });
    expect(result.many).toEqual(['🔧 System Echo: 1', '🔧 System Echo: 2', '🔧 System Echo: 3']);
    expect(result.failed).toBe(true);
    expect(result.state).toBe('closed');
    expect(problems).toEqual([]);
    await page.close();
  });
});
