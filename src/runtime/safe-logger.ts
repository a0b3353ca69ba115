/**
 * A logger that cannot hurt the server: whatever the user's logger does (throws, returns a
 * rejected promise), a call to it returns normally and leaves no rejection behind.
 */
import type { Logger } from './connection.js';
import { isThenable } from './thenable.js';

export function guardLogger(logger: Logger): Logger {
  return {
    error(message, error) {
      try {
        const result: unknown = (logger.error as (m: string, e?: unknown) => unknown).call(logger, message, error);
        if (isThenable(result)) {
          Promise.resolve(result).then(undefined, () => undefined);
        }
      } catch {
        // A logger that fails has nowhere left to report to; the frame loop must go on regardless.
      }
    },
  };
}
