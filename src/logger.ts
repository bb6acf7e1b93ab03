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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "wallet-center" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/**
 * Standard output, written off the event loop: lines that arrive while a write is under
 * way go out together in the next one, so a busy server makes a few large writes instead
 * of a system call per request. Whatever is still buffered is flushed when the process
 * exits (pino registers that itself).
 */
export function stdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}
