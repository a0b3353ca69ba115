/**
 * Which upgrade requests are refused before any WebSocket work: while shutting down (503), from a
 * browser origin not on the allow-list (403), and over the connection cap (503). Both the list and
 * the cap are off unless configured. Requests without an Origin header (servers, CLIs, other
 * non-browser clients) are not browser cross-site requests and pass the list.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { escapeRegExp } from '../support/path-template.js';

export interface AdmissionOptions {
  allowedOrigins?: readonly OriginRule[];
  maxConnections?: number;
}

export interface Refusal {
  status: 403 | 429 | 503;
  text: string;
  /** Why, as counted in chanx_rejections_total. */
  type: 'shutting_down' | 'origin' | 'max_connections' | 'max_connections_per_ip';
}

export interface AdmissionState {
  /** True once shutdown began. */
  readonly closing: boolean;
  /** Connections open or being opened. */
  readonly count: number;
}

export function admission(options: AdmissionOptions, state: AdmissionState): (req: IncomingMessage) => Refusal | undefined {
  const allowed = options.allowedOrigins === undefined ? undefined : originAllowed(options.allowedOrigins);
  const cap = options.maxConnections ?? Infinity;
  if (!(cap > 0)) throw new RangeError(`maxConnections must be a positive number, got ${String(options.maxConnections)}`);
  return (req) => {
    if (state.closing) return { status: 503, text: 'Service Unavailable', type: 'shutting_down' };
    if (allowed !== undefined && !allowed(req.headers.origin)) return { status: 403, text: 'Forbidden', type: 'origin' };
    if (state.count >= cap) return { status: 503, text: 'Service Unavailable', type: 'max_connections' };
    return undefined;
  };
}

/** Answers an upgrade request with a plain HTTP status and closes its socket. */
export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** One entry of the origin allow-list (allowedOrigins). */
export type OriginRule = string | RegExp;

/**
 * Compiles the rules into one test. A string is an origin (`https://app.example.com`), compared
 * without case, where `*` stands for one or more characters other than `/` (`https://*.example.com`);
 * a trailing slash in it is ignored (an origin has no path). A RegExp is tested as is.
 */
export function originAllowed(rules: readonly OriginRule[]): (origin: string | undefined) => boolean {
  const patterns = rules.map(compileRule);
  return (origin) =>
    origin === undefined ||
    patterns.some((p) => {
      p.lastIndex = 0;
      return p.test(origin);
    });
}

function compileRule(rule: OriginRule): RegExp {
  if (rule instanceof RegExp) return rule;
  if (typeof rule !== 'string') throw new TypeError(`allowedOrigins: ${String(rule)} is neither a string nor a RegExp`);
  const source = rule.replace(/\/$/, '').split('*').map(escapeRegExp).join('[^/]+');
  return new RegExp(`^${source}$`, 'i');
}
