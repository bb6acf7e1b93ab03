/**
 * What a failed delivery left behind, fit to store (`outbox_messages.lastError`), log and
 * show an admin: the error's class and message, and a network error's code, with anything
 * that may be a secret taken out. A connector's or a library's message may quote a URL
 * (whose path or query can hold a token), a card number, a code or a credential.
 */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}${causeCode(error)}` : String(error);
  return redactSecrets(text).slice(0, MAX_LENGTH);
}

/** lastError's column length. */
const MAX_LENGTH = 500;

/** fetch says only "fetch failed"; why is in its cause (ECONNREFUSED, ENOTFOUND, ...). */
function causeCode(error: Error): string {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : "";
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
