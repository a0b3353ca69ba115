/**
 * What the generated server answers to plain HTTP (DESIGN §11): the document at /asyncapi.json and
 * /asyncapi.yaml, the playground at / and /index.html with its Content-Security-Policy, GET and HEAD
 * only, and nothing cached or sniffed. Over a real socket with node's own HTTP client.
 */
import { createServer as createHttpServer, request } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { load as yamlLoad } from 'js-yaml';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ChanxServer } from 'chanx-gen/runtime';
import { createServer } from '../../generated/server.js';
import { asyncapiJson } from '../../generated/documents.js';
import { createRequestHandler } from '../../src/runtime/server/http.js';
import { playgroundCsp, playgroundHtml } from '../../generated/playground.js';

let server: ChanxServer;
let port: number;
// A server per test: the pages are set up when the server is made, and that must happen inside
// each test for mutation testing to see it (a beforeAll runs before any mutant is switched on).
beforeEach(async () => {
  server = createServer();
  port = await server.listen(0, '127.0.0.1');
});
afterEach(() => server.close());

interface Answer {
  status: number | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function fetchPage(path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('serves the document as JSON and as YAML, uncached and never sniffed', async () => {
  const json = await fetchPage('/asyncapi.json');
  expect([json.status, json.headers['content-type'], json.body]).toEqual([200, 'application/json; charset=utf-8', asyncapiJson]);
  expect(JSON.parse(json.body)).toMatchObject({ asyncapi: '3.0.0', channels: { system: { address: '/ws/system' } } });
  expect([json.headers['x-content-type-options'], json.headers['cache-control'], json.headers['content-length']]).toEqual([
    'nosniff',
    'no-cache',
    String(Buffer.byteLength(asyncapiJson)),
  ]);
  // The YAML is made from the JSON when first asked for: the same document, and the same bytes each time.
  const yaml = await fetchPage('/asyncapi.yaml?download=1');
  expect([yaml.status, yaml.headers['content-type'], yaml.headers['content-length']]).toEqual([
    200,
    'application/yaml; charset=utf-8',
    String(Buffer.byteLength(yaml.body)),
  ]);
  expect(yaml.body).toMatch(/^asyncapi: 3\.0\.0\n/);
  expect(yamlLoad(yaml.body)).toEqual(JSON.parse(asyncapiJson));
  expect((await fetchPage('/asyncapi.yaml')).body).toBe(yaml.body);
  expect((await fetchPage('/asyncapi.yaml', 'HEAD')).headers['content-length']).toBe(yaml.headers['content-length']);
});

/** Runs `check` with fetchPage pointed at a plain HTTP server of the request handler alone, serving `content`. */
async function servingOnly(content: Parameters<typeof createRequestHandler>[0], check: () => Promise<void>): Promise<void> {
  const http = createHttpServer(createRequestHandler(content, () => false));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const own = port;
  port = (http.address() as AddressInfo).port;
  try {
    await check();
  } finally {
    port = own;
    http.close();
  }
}

it('serves the YAML it is given as it is (servers generated when documents.ts held it)', () =>
  servingOnly({ documents: { json: '{"a": 1}\n', yaml: 'a: 1 # as written\n' } }, async () => {
    expect((await fetchPage('/asyncapi.yaml')).body).toBe('a: 1 # as written\n');
    expect((await fetchPage('/asyncapi.json')).body).toBe('{"a": 1}\n');
  }));

it('answers 500 for YAML it cannot make from a document passed in by hand, and goes on serving', () =>
  servingOnly({ documents: { json: '{not json' } }, async () => {
    expect((await fetchPage('/asyncapi.yaml')).status).toBe(500);
    expect(await fetchPage('/asyncapi.json')).toMatchObject({ status: 200, body: '{not json' });
  }));

it('serves the playground at / and /index.html under its Content-Security-Policy, without a referrer', async () => {
  for (const path of ['/', '/index.html']) {
    const page = await fetchPage(path);
    expect([page.status, page.headers['content-type'], page.body]).toEqual([200, 'text/html; charset=utf-8', playgroundHtml]);
    expect([page.headers['content-security-policy'], page.headers['referrer-policy'], page.headers['x-content-type-options']]).toEqual([
      playgroundCsp,
      'no-referrer',
      'nosniff',
    ]);
  }
});

it('answers HEAD with the headers and no body, and other methods with 405 naming the allowed ones', async () => {
  const head = await fetchPage('/asyncapi.json', 'HEAD');
  expect([head.status, head.headers['content-length'], head.body]).toEqual([200, String(Buffer.byteLength(asyncapiJson)), '']);
  const post = await fetchPage('/', 'POST');
  expect([post.status, post.headers['allow'], post.headers['content-type'], post.body]).toEqual([
    405,
    'GET, HEAD',
    'text/plain; charset=utf-8',
    'Method Not Allowed\n',
  ]);
});

it('answers 426 with a body at the channel address and 404 with a body anywhere else', async () => {
  const channel = await fetchPage('/ws/system');
  expect([channel.status, channel.headers['upgrade'], channel.body]).toEqual([426, 'websocket', 'This address takes WebSocket connections\n']);
  const nowhere = await fetchPage('/asyncapi.xml');
  expect([nowhere.status, nowhere.headers['upgrade'], nowhere.headers['content-type'], nowhere.body]).toEqual([
    404,
    undefined,
    'text/plain; charset=utf-8',
    'Not Found\n',
  ]);
});

it('finds a page by the path as sent: another path that a URL parser would resolve to it is 404', async () => {
  const statuses = await Promise.all(
    ['//host/asyncapi.json', '/x/../asyncapi.json', '/./index.html'].map(async (path) => [path, (await fetchPage(path)).status]),
  );
  expect(statuses).toEqual([
    ['//host/asyncapi.json', 404],
    ['/x/../asyncapi.json', 404],
    ['/./index.html', 404],
  ]);
});
