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
