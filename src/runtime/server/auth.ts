/**
 * Authentication (DESIGN §9), Chanx's authenticator step: a consumer's optional
 * `authenticate(request, params)` runs before `onConnect` and before any frame is handled. What it
 * returns becomes `ctx.user`; returning `refuse(...)` (or throwing) sends Chanx's authentication
 * frame `{"action":"authentication","payload":{"status_code","status_text","data"}}` and closes
 * the connection, and no handler runs.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { MaybePromise } from '../support/thenable.js';
import { settle } from '../support/thenable.js';

/** The HTTP upgrade request a connection was opened with (headers, URL with query string). */
export type UpgradeRequest = IncomingMessage;

/** A refused connection: what the authentication frame says. Made by `refuse`. */
export class AuthRefusal {
  constructor(
    readonly statusCode: number,
    readonly statusText: string,
    readonly data: unknown,
  ) {}

  /** Chanx's AuthenticationMessage for this refusal, serialised. */
  get frame(): string {
    return JSON.stringify({ action: 'authentication', payload: { status_code: this.statusCode, status_text: this.statusText, data: this.data } });
  }
}

/** What Django REST framework (behind Chanx's authenticator) says by default. */
const DEFAULT_DETAIL: Record<number, string> = {
  401: 'Authentication credentials were not provided.',
  403: 'You do not have permission to perform this action.',
};

/**
 * Refuses the connection: `authenticate` returns this. `data` defaults to `{detail}` with Django
 * REST framework's text for 401 and 403, `statusText` to the HTTP reason phrase.
 */
export function refuse(statusCode = 403, data?: unknown, statusText?: string): AuthRefusal {
  const text = statusText ?? STATUS_CODES[statusCode] ?? 'Refused';
  return new AuthRefusal(statusCode, text, data === undefined ? { detail: DEFAULT_DETAIL[statusCode] ?? text } : data);
}

/** An `authenticate` that failed by throwing: Chanx's 500 answer; the cause is logged, never sent. */
const CRASHED = new AuthRefusal(500, 'Internal Server Error', { detail: 'Internal server error' });

export type AuthVerdict = { admitted: true; user: unknown } | { admitted: false; refusal: AuthRefusal };

export type Authenticate = (request: UpgradeRequest, params: unknown) => MaybePromise<unknown>;

/**
 * Runs `authenticate` (a method of `handlers`) and says whether the connection is admitted, with
 * its user. Synchronous when `authenticate` is. Never throws or rejects: a failure is logged through
 * `report` and refuses the connection.
 */
export function authenticateConnection(
  authenticate: Authenticate,
  handlers: unknown,
  request: UpgradeRequest,
  params: unknown,
  report: (error: unknown) => void,
): AuthVerdict | Promise<AuthVerdict> {
  return settle(
    () => authenticate.call(handlers, request, params),
    verdict,
    (err): AuthVerdict => {
      report(err);
      return { admitted: false, refusal: CRASHED };
    },
  );
}

function verdict(result: unknown): AuthVerdict {
  return result instanceof AuthRefusal ? { admitted: false, refusal: result } : { admitted: true, user: result };
}
