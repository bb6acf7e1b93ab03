import type { LiveConnection } from "../../clients/live";
import { eventually } from "./eventually";

/** Resolves with the socket's close code once the server closed it, or null after `ms`. */
export async function closedWithin(live: LiveConnection, ms: number): Promise<number | null> {
  await eventually(() => live.closeCode !== null, ms, 10);
  return live.closeCode;
}
