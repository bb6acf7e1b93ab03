/**
 * What a failed delivery left behind, fit to store (`outbox_messages.lastError`), log and
 * show an admin: the error's class and message, and a network error's code, with anything
 * that may be a secret taken out. A connector's or a library's message may quote a URL
 * (whose path or query can hold a token), a card number, a code or a credential.
 */
export function describeFailure(error: unknown): string {
  const text = isErrorLike(error) ? `${error.name}: ${error.message}${why(error)}` : String(error);
  return redactSecrets(text).slice(0, MAX_LENGTH);
}

interface ErrorLike {
  name: string;
  message: string;
  cause?: unknown;
}

/** Errors from another realm (the platform's fetch, seen from a VM context) fail `instanceof Error`. */
function isErrorLike(error: unknown): error is ErrorLike {
  return typeof error === "object" && error !== null && typeof (error as ErrorLike).name === "string" && typeof (error as ErrorLike).message === "string";
}

/** lastError's column length. */
const MAX_LENGTH = 500;

/**
 * fetch says only "fetch failed"; why is in its cause: a network code (ECONNREFUSED,
 * ENOTFOUND, ...), else the cause's own message.
 */
function why(error: ErrorLike): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(cause.code)) return ` (${cause.code})`;
  return typeof cause?.message === "string" && cause.message ? ` (${cause.message.slice(0, 200)})` : "";
}

export function redactSecrets(text: string): string {
  return (
    text
      // A URL keeps its scheme, host and port only.
      .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => originOf(url))
      .replace(/\bBearer\s+\S+/gi, "Bearer [redacted]")
      // Card numbers and codes: 12 or more digits, also grouped by spaces or dashes.
      .replace(/\d(?:[ -]?\d){11,}/g, "[digits]")
      // Tokens, keys and secrets: long runs of base64, base64url or hex characters.
      .replace(/[A-Za-z0-9+/_=-]{32,}/g, "[redacted]")
  );
}

function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : `${parsed.protocol}[redacted]`;
  } catch {
    return "[url]";
  }
}
