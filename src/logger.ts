import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs. Request bodies and variables are never logged; the redaction
 * below is the second line of defence for anything that carries a secret by name.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "authorization",
  "password",
  "pan",
  "token",
  "code",
  "key",
  "*.password",
  "*.pan",
  "*.token",
  "*.code",
  "*.key",
  "variables",
  "*.variables",
];

const BASE_FIELDS = { service: "wallet-center" };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: BASE_FIELDS,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/**
 * A logger for lines whose every field the server itself chose and none can hold a
 * secret (the one line per request: its id, operation name, caller kind, duration and
 * error codes). Same level, fields and destination as `logger`, without the redaction
 * pass, which on such a line never finds anything: it walked the sixteen paths above on
 * every request, about as much CPU as writing the line. Lines with anything else in them
 * go through `logger`.
 */
export function plainLinesOf(logger: Logger): Logger {
  const destination = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  return pino({ level: logger.level, base: BASE_FIELDS, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** Lines wait for this many bytes, or for the next periodic flush, before a write. */
const LOG_BUFFER_BYTES = 4096;
/** The longest a line waits on a quiet server. */
const LOG_FLUSH_MS = 250;

/**
 * Standard output, written off the event loop in batches of at least 4 KB, or every
 * quarter of a second when quieter. Written as soon as possible, most request lines went
 * out in a write of their own through libuv's thread pool, a thread hand-off each
 * (futex calls per redeem fell from 2.0 to 1.2 with batching, counted with strace in the
 * bench). Whatever is still buffered is flushed when the process exits (pino registers
 * that itself); only a kill -9 can lose the last quarter second of lines.
 */
export function stdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS });
}
