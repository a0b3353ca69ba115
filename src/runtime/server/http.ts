/**
 * Plain HTTP requests (everything but WebSocket upgrades): the document at /asyncapi.json and
 * /asyncapi.yaml, the playground page at /, the probes /healthz and /readyz, 426 at a channel's
 * address, 404 elsewhere.
 * What is served is generated with the code and passed in by generated/server.ts; the YAML is
 * made from the JSON when first asked for (documentYaml), unless given (servers generated before).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { requestPath } from '../support/path-template.js';

const require = createRequire(import.meta.url);

export interface ServedContent {
  /** The document the code was generated from, bundled (GET /asyncapi.json, /asyncapi.yaml). */
  documents?: { json: string; yaml?: string };
  /** The playground page (GET /) and the Content-Security-Policy it is served with. */
  playground?: { html: string; csp: string };
}

/**
 * The document as YAML text (GET /asyncapi.yaml), made by the server from the JSON rather than
 * written into generated/documents.ts beside it: one copy of the document in the generated code,
 * and no YAML written on every generation (~60 ms of OKX's). js-yaml (which @asyncapi/parser itself
 * depends on) writes a large document in half the time the yaml package took; it is loaded on
 * first use. Every object is written where it stands (no anchors), no line is folded, and a string
 * a YAML 1.1 reader would take for something else (`n`, `yes`, a date, `<<`) is quoted, a line
 * separator escaped.
 */
export function documentYaml(document: unknown): string {
  const { dump } = require('js-yaml') as typeof import('js-yaml');
  return dump(document, { noRefs: true, lineWidth: -1, quotingType: '"' });
}

const COMMON = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' };

/** What the probes ask: `ready` false while shutting down or while the group layer is cut off. */
export interface Readiness {
  readonly ready: boolean;
  readonly state: string;
}

const PLAIN = { ...COMMON, 'content-type': 'text/plain; charset=utf-8' };

export function createRequestHandler(
  content: ServedContent,
  isChannelPath: (req: IncomingMessage) => boolean,
  health?: Readiness,
): (req: IncomingMessage, res: ServerResponse) => void {
  const pages = new Map<string, { type: string; body: Buffer | (() => Buffer); headers?: Record<string, string> }>();
  const { documents } = content;
  if (documents !== undefined) {
    pages.set('/asyncapi.json', { type: 'application/json; charset=utf-8', body: Buffer.from(documents.json) });
    let yaml = documents.yaml === undefined ? undefined : Buffer.from(documents.yaml);
    pages.set('/asyncapi.yaml', { type: 'application/yaml; charset=utf-8', body: () => (yaml ??= Buffer.from(documentYaml(JSON.parse(documents.json)))) });
  }
  if (content.playground !== undefined) {
    const page = {
      type: 'text/html; charset=utf-8',
      body: Buffer.from(content.playground.html),
      headers: { 'content-security-policy': content.playground.csp, 'referrer-policy': 'no-referrer' },
    };
    pages.set('/', page);
    pages.set('/index.html', page);
  }

  return (req, res) => {
    const pathname = requestPath(req.url);
    if (health !== undefined && (pathname === '/healthz' || pathname === '/readyz')) {
      // Liveness: this answer is the proof. Readiness: 503 while shutting down or cut off from Redis.
      const ok = pathname === '/healthz' || health.ready;
      res.writeHead(ok ? 200 : 503, PLAIN);
      res.end(pathname === '/healthz' ? 'ok\n' : `${health.state}\n`);
      return;
    }
    const page = pathname === undefined ? undefined : pages.get(pathname);
    if (page !== undefined) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...COMMON, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
        res.end('Method Not Allowed\n');
        return;
      }
      let body: Buffer;
      try {
        body = typeof page.body === 'function' ? page.body() : page.body;
      } catch {
        // Only a document passed in by hand can fail here (JSON that does not parse): the server goes on.
        res.writeHead(500, PLAIN);
        res.end('Internal Server Error\n');
        return;
      }
      res.writeHead(200, { ...COMMON, 'content-type': page.type, 'content-length': String(body.length), ...page.headers });
      res.end(body); // node sends no body in answer to HEAD
      return;
    }
    const status = isChannelPath(req) ? 426 : 404;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...(status === 426 ? { upgrade: 'websocket' } : {}) });
    res.end(status === 404 ? 'Not Found\n' : 'This address takes WebSocket connections\n');
  };
}
