import { useEffect } from "preact/hooks";

/**
 * Keeps the screen on while `active` (a code is on show: a dimmed screen fails at the
 * reader), and lets it go as soon as the code is hidden. The browser drops the lock when
 * the page is hidden, so it is asked again when the page comes back. Browsers without the
 * Screen Wake Lock API, or that refuse it (battery saver), simply dim as usual.
 */
export function useWakeLock(active: boolean): void {
  useEffect(() => {
    const wakeLock = "wakeLock" in navigator ? navigator.wakeLock : null;
    if (!active || !wakeLock) return;
    let sentinel: WakeLockSentinel | null = null;
    let done = false;
    const take = () => {
      if (document.visibilityState !== "visible" || (sentinel && !sentinel.released)) return;
      wakeLock.request("screen").then(
        (taken) => {
          if (done) void taken.release().catch(() => {});
          else sentinel = taken;
        },
        () => {},
      );
    };
    take();
    document.addEventListener("visibilitychange", take);
    return () => {
      done = true;
      document.removeEventListener("visibilitychange", take);
      void sentinel?.release().catch(() => {});
      sentinel = null;
    };
  }, [active]);
}
