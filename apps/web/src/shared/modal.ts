import type { RefObject } from "preact";
import { useLayoutEffect } from "preact/hooks";

/**
 * Makes the element a modal as `aria-modal` promises: everything outside it is inert
 * (no Tab, no click, hidden from screen readers) while it is open, and the keyboard
 * focus goes back where it was when it closes. `open` is for a component that stays
 * mounted and shows its dialog only at times.
 *
 * A layout effect, so the page behind comes back in the same frame the dialog leaves: a
 * passive effect runs after paint, and a tap in that gap lands on an inert page.
 */
export function useModal(ref: RefObject<HTMLElement>, open = true): void {
  useLayoutEffect(() => {
    if (!open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const made: HTMLElement[] = [];
    for (let node = ref.current; node && node !== document.body; node = node.parentElement) {
      for (const sibling of Array.from(node.parentElement?.children ?? [])) {
        if (sibling !== node && sibling instanceof HTMLElement && !sibling.inert) {
          sibling.inert = true;
          made.push(sibling);
        }
      }
    }
    return () => {
      for (const element of made) element.inert = false;
      if (opener?.isConnected) opener.focus();
    };
  }, [open]);
}
