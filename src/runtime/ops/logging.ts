/**
 * The program's logger (serveFromEnv): pino, one JSON line per event on stderr, at LOG_LEVEL
 * (default info). LOG_PAYLOADS=1 puts each frame's payload on its debug line; by default no
 * payload is ever logged (what clients send is theirs: messages, tokens, personal data).
 */
import { pino, type Logger as PinoLogger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LogSettings {
  readonly logger: PinoLogger;
  readonly payloads: boolean;
}

/** A pino logger to `destination` (default stderr, written asynchronously and flushed on exit). */
export function loggerFromEnv(env: Record<string, string | undefined>, destination?: NodeJS.WritableStream): LogSettings {
  const level = (env['LOG_LEVEL'] || 'info').toLowerCase();
  if (!LEVELS.includes(level)) throw new RangeError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}; got '${env['LOG_LEVEL']}'`);
  const payloads = env['LOG_PAYLOADS'] === '1' || env['LOG_PAYLOADS'] === 'true';
  const stderr = destination === undefined ? pino.destination({ dest: 2, sync: false }) : undefined;
  const logger = pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? stderr);
  if (stderr !== undefined) ends.set(logger, stderr);
  return { logger, payloads };
}

/** The stderr stream of each logger loggerFromEnv made (not of one given a destination). */
const ends = new WeakMap<object, ReturnType<typeof pino.destination>>();

/** How long endLogs waits for lines a reader does not take. */
const END_WAIT_MS = 2_000;

/**
 * Writes the lines a logger of loggerFromEnv still has on their way to stderr, and resolves once
 * they are written, their write failed, or END_WAIT_MS passed (a reader that does not read: the
 * stream is destroyed and those lines are lost); the program exits next. Without it,
 * pino writes them at exit with sonic-boom's flushSync, which retries a failed write for ever unless
 * it failed with EAGAIN: with stderr's reader gone (EPIPE: the pipe of a supervisor or shell that
 * exited) the process would never exit, whatever signal it got but SIGKILL. Written asynchronously,
 * a failed write is an 'error' on which pino stops writing, its flush at exit included; a written
 * stream is closed, and pino has nothing left to write at exit. A logger given its own destination,
 * or any other, is left as it is.
 */
export function endLogs(logger: object): Promise<void> {
  const stream = ends.get(logger);
  ends.delete(logger);
  // pino puts a no-op in place of `end` (an own property) once a write met a broken pipe.
  if (stream === undefined || (stream as { destroyed?: boolean }).destroyed === true || Object.hasOwn(stream, 'end')) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      // Given up on: destroyed, so that pino's flush at exit skips it (it would wait on the reader for ever).
      done();
      try {
        stream.destroy();
      } catch {
        // Already closing: nothing is left to flush.
      }
    }, END_WAIT_MS);
    function done(): void {
      clearTimeout(timer);
      stream!.off('close', done).off('error', done);
      resolve();
    }
    stream.once('close', done).once('error', done);
    try {
      stream.end();
    } catch {
      done();
    }
  });
}
