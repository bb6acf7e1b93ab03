/**
 * The language a person reads: English or Japanese. Each screen's words live in typed
 * catalogs (`*.en.ts` holds the keys, `*.ja.ts` is typed `Catalog<typeof en>`), so a key
 * missing in either language fails the compiler, never the page.
 */
import type { Catalog } from "./catalog";

export type { Catalog } from "./catalog";
export type Lang = "en" | "ja";


const STORAGE_KEY = "wallet-center.lang";

/** The browser's languages, most wanted first (none outside a browser). */
const browserLanguages = (): readonly string[] => (typeof navigator === "undefined" ? [] : (navigator.languages ?? [navigator.language]));

/** The browser's preference: Japanese when its first Japanese-or-English language is Japanese. */
export function browserLang(languages: readonly string[] = browserLanguages()): Lang {
  for (const tag of languages) {
    if (/^ja\b/i.test(tag)) return "ja";
    if (/^en\b/i.test(tag)) return "en";
  }
  return "en";
}

function savedLang(): Lang | null {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    return saved === "en" || saved === "ja" ? saved : null;
  } catch {
    return null;
  }
}

let current: Lang = savedLang() ?? browserLang();
if (typeof document !== "undefined") document.documentElement.lang = current;
const listeners = new Set<(lang: Lang) => void>();

export const lang = (): Lang => current;

/**
 * The BCP 47 locale for Intl: Japanese as in Japan; English as the browser spells it
 * (en-GB keeps its day-month order), plain "en" otherwise.
 */
export function locale(): string {
  if (current === "ja") return "ja-JP";
  return browserLanguages().find((tag) => /^en\b/i.test(tag)) ?? "en";
}

/** Switches the language on this device (remembered in localStorage) and tells every listener, so the screens draw again. */
export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // A browser with storage switched off keeps the choice for this page only.
  }
  document.documentElement.lang = next;
  for (const listener of listeners) listener(next);
}

export function onLangChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/**
 * The catalog of the current language, read at each use: `words.signIn` gives the
 * sentence in whichever language is chosen at the time of the render.
 */
export function catalog<E extends object>(en: E, ja: Catalog<E>): Catalog<E> {
  const byLang: Record<Lang, Catalog<E>> = { en: en as unknown as Catalog<E>, ja };
  const view = {} as Catalog<E>;
  for (const key of Object.keys(en)) {
    Object.defineProperty(view, key, { enumerable: true, get: () => (byLang[current] as Record<string, unknown>)[key] });
  }
  return view;
}
