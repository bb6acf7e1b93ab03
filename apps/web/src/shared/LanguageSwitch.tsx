import { lang, setLang, type Lang } from "./i18n";

/** Each language named in itself, as people look for their own. */
const NAMES: Record<Lang, { short: string; long: string }> = { en: { short: "EN", long: "English" }, ja: { short: "日本語", long: "日本語" } };

/**
 * EN / 日本語: two buttons, the chosen one pressed. The group is named in both languages,
 * so a screen reader finds it whichever is on.
 */
export function LanguageSwitch() {
  return (
    <div class="language-switch" role="group" aria-label="Language / 言語">
      {(Object.keys(NAMES) as Lang[]).map((code) => (
        <button type="button" key={code} lang={code} aria-label={NAMES[code].long} aria-pressed={lang() === code} onClick={() => setLang(code)}>
          {NAMES[code].short}
        </button>
      ))}
    </div>
  );
}
