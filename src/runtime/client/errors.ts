/** Why a client request fails: an error frame, no reply in time, or a closed connection. */
import type { AuthenticationFrame, ErrorFrame } from './types.js';

/** The server answered with an error frame (`frame`), or with a reply the document does not allow. */
export class ChanxFrameError extends Error {
  constructor(
    readonly frame: ErrorFrame | undefined,
    message = `the server answered with an error: ${JSON.stringify(frame?.payload)}`,
  ) {
    super(message);
    this.name = 'ChanxFrameError';
  }
}

export class ChanxTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChanxTimeoutError';
  }
}

/**
 * The connection closed (or was never open); `code` and `reason` are the close frame's, `refusal`
 * the server's authentication frame when it refused the connection.
 */
export class ChanxClosedError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
    readonly refusal?: AuthenticationFrame,
  ) {
    super(message);
    this.name = 'ChanxClosedError';
  }
}

export function isErrorFrame(frame: Record<string, unknown>): frame is ErrorFrame & Record<string, unknown> {
  return frame['action'] === 'error' && frame['payload'] !== null && typeof frame['payload'] === 'object';
}

/** Chanx's authentication frame, `{"action":"authentication","payload":{"status_code",...}}`: a refusal, or (2xx) an admission. */
export function isAuthenticationFrame(frame: Record<string, unknown>): frame is AuthenticationFrame & Record<string, unknown> {
  const payload = frame['payload'] as Record<string, unknown> | null;
  return frame['action'] === 'authentication' && payload !== null && typeof payload === 'object' && typeof payload['status_code'] === 'number';
}

/** An authentication frame that refuses the connection (a 4xx or 5xx status). */
export function isRefusal(frame: AuthenticationFrame): boolean {
  return frame.payload.status_code >= 400;
}

/** What a request's error says when the server refused the connection. */
export function refusedBecause(refusal: AuthenticationFrame): string {
  return `the server refused the connection (${refusal.payload.status_code} ${refusal.payload.status_text})`;
}
