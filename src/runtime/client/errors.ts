/** Why a client request fails: an error frame, no reply in time, or a closed connection. */
import type { ErrorFrame } from './types.js';

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

/** The connection closed (or was never open); `code` and `reason` are the close frame's. */
export class ChanxClosedError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'ChanxClosedError';
  }
}

export function isErrorFrame(frame: Record<string, unknown>): frame is ErrorFrame & Record<string, unknown> {
  return frame['action'] === 'error' && frame['payload'] !== null && typeof frame['payload'] === 'object';
}
