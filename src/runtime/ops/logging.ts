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
  const logger = pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    destination ?? pino.destination({ dest: 2, sync: false }),
  );
  return { logger, payloads };
}
