import type { LiveConnection } from "../../clients/live";

/** Resolves with the socket's close code once the server closed it, or null after `ms`. */
export async function closedWithin(live: LiveConnection, ms: number): Promise<number | null> {
  const deadline = Date.now() + ms;
  while (live.closeCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return live.closeCode;
}
