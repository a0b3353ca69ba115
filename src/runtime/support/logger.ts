/**
 * The runtime's logger: what it asks of the user's logger, how an error is told, and a guard so
 * that whatever the user's logger does (throws, returns a rejected promise), a call to it returns
 * normally and leaves no rejection behind.
 */
import { isThenable } from './thenable.js';

export interface Logger {
  /** `message` already says what failed and why (with the stack when there is one). */
  error(message: string, error?: unknown): void;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

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
