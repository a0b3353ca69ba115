/**
 * The runtime's logger: what it asks of the user's logger, how an error is told, and a guard so
 * that whatever the user's logger does (throws, returns a rejected promise), a call to it returns
 * normally and leaves no rejection behind.
 *
 * Two kinds of logger are taken. A pino-compatible one (it has `info` and `child`: pino itself,
 * or a child of it) gets structured calls, `logger.error({ err, ...fields }, message)`, and the
 * info and debug lines too. Any other (`{ error(message) }`, as before) gets errors only, each as
 * one line of text that already carries the stack.
 */
import { isThenable } from './thenable.js';

export interface Logger {
  /** `message` already says what failed and why (with the stack when there is one). */
  error(message: string, error?: unknown): void;
  /**
   * pino-compatible loggers: what a client did that cost it its connection (a limit, a protocol
   * violation, no pong): the server is fine, so not an error. Other loggers get these as errors.
   */
  warn?(fields: object, message?: string): void;
  /** pino-compatible loggers: connection opened and closed, server and layer up and down. */
  info?(fields: object, message?: string): void;
  /** pino-compatible loggers: one line per frame, when `isLevelEnabled('debug')` says so. */
  debug?(fields: object, message?: string): void;
  child?(bindings: object): unknown;
  isLevelEnabled?(level: string): boolean;
}

/** What the runtime calls; never throws. */
export interface RuntimeLog extends Logger {
  error(message: string, error?: unknown, fields?: object): void;
  /** Other loggers get `message` as an error line, as they did before warnings existed. */
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
  /** Read once, when the log is made: per-frame lines cost nothing when it is false. */
  readonly debugEnabled: boolean;
  /** Whether info and debug go anywhere (a pino-compatible logger). */
  readonly structured: boolean;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

type Call = (...args: unknown[]) => unknown;

export function guardLogger(logger: Logger): RuntimeLog {
  if (isRuntimeLog(logger)) return logger;
  const structured = typeof logger.info === 'function' && typeof logger.child === 'function';
  const call = (method: Call | undefined, args: unknown[]): void => {
    if (method === undefined) return;
    try {
      const result = method.apply(logger, args);
      if (isThenable(result)) Promise.resolve(result).then(undefined, () => undefined);
    } catch {
      // A logger that fails has nowhere left to report to; the frame loop must go on regardless.
    }
  };
  let debugEnabled = false;
  if (structured) {
    try {
      debugEnabled = logger.isLevelEnabled?.('debug') === true;
    } catch {
      debugEnabled = false;
    }
  }
  const log: RuntimeLog = {
    structured,
    debugEnabled,
    error(message, error, fields) {
      if (!structured) return call(logger.error as Call, [message, error]);
      const line = error === undefined ? { ...fields } : { ...fields, err: error };
      call(logger.error as Call, [line, withoutStack(message, error)]);
    },
    warn(fields, message) {
      if (structured && typeof logger.warn === 'function') call(logger.warn as Call, [fields, message]);
      else log.error(message, undefined, fields);
    },
    info(fields, message) {
      if (structured) call(logger.info as Call, [fields, message]);
    },
    debug(fields, message) {
      if (debugEnabled) call(logger.debug as Call | undefined, [fields, message]);
    },
  };
  GUARDED.add(log);
  return log;
}

const GUARDED = new WeakSet<object>();

function isRuntimeLog(logger: Logger): logger is RuntimeLog {
  return GUARDED.has(logger);
}

/** The runtime's messages end with `: <stack>`; a structured line carries the stack in `err` instead. */
function withoutStack(message: string, error: unknown): string {
  if (error === undefined) return message;
  const told = `: ${describeError(error)}`;
  return message.endsWith(told) ? message.slice(0, -told.length) : message;
}
