import type { LiveFeed } from "@clients/live";

/**
 * Calls `on` for each event of a feed until the returned stop is called or the feed
 * ends or fails (then `onEnd` hears why). The clients' feeds are queues read with
 * next(timeout); a quiet minute is only a timeout, and the loop waits again.
 */
export function follow<T>(feed: LiveFeed<T>, on: (event: T) => void, onEnd?: (error: Error) => void): () => void {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      try {
        on(await feed.next(60_000));
      } catch (error) {
        if (stopped) return;
        if (feed.error || !String(error).includes("no event within")) {
          onEnd?.(feed.error ?? (error as Error));
          return;
        }
      }
    }
  })();
  return () => {
    stopped = true;
    feed.close();
  };
}
