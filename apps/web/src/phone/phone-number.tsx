import { getCountries, getCountryCallingCode, getExampleNumber, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import examples from "libphonenumber-js/mobile/examples";
import { useMemo } from "preact/hooks";
import { lang, locale } from "../shared/i18n";
import { pw } from "./phone-words";

/** The country a number without "+" is read in: the browser's region, else Japan (the wallet's home). */
export function defaultCountry(): CountryCode {
  const region = (navigator.languages ?? [navigator.language]).map((tag) => tag.split("-")[1]?.toUpperCase()).find(Boolean);
  return region && (getCountries() as string[]).includes(region) ? (region as CountryCode) : "JP";
}

/**
 * A number as people type it ("090-1234-5678", "+81 90 1234 5678") in the server's form,
 * E.164 ("+819012345678", src/services/kernel/validation.ts requirePhone); null when it
 * does not read as a number of that country.
 */
export function toE164(typed: string, country: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(typed.trim(), country);
  return parsed?.isPossible() ? parsed.number : null;
}

/** The number written as people of that country write it, to check before a code is sent there. */
export const internationalForm = (typed: string, country: CountryCode): string | null =>
  parsePhoneNumberFromString(typed.trim(), country)?.formatInternational() ?? null;

/** A country picker and the number as people type it; `autocomplete` tells sign-in from sign-up. */
export function PhoneNumberField({
  typed,
  country,
  autocomplete,
  onTyped,
  onCountry,
}: {
  typed: string;
  country: CountryCode;
  autocomplete: string;
  onTyped: (typed: string) => void;
  onCountry: (country: CountryCode) => void;
}) {
  const countries = useMemo(() => {
    const names = new Intl.DisplayNames(locale(), { type: "region" });
    return getCountries()
      .map((code) => ({ code, name: `${names.of(code) ?? code} (+${getCountryCallingCode(code)})` }))
      .sort((a, b) => a.name.localeCompare(b.name, locale()));
  }, [lang()]);
  const example = getExampleNumber(country, examples)?.formatNational();
  return (
    <div class="phone-number">
      <label>
        {pw.country}
        <select value={country} autocomplete="tel-country-code" onChange={(e) => onCountry(e.currentTarget.value as CountryCode)}>
          {countries.map(({ code, name }) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {pw.phoneNumber}
        <input type="tel" autocomplete={autocomplete} required value={typed} aria-describedby="phone-number-hint" onInput={(e) => onTyped(e.currentTarget.value)} />
      </label>
      <p id="phone-number-hint" class="hint">
        {pw.dialHint(example)}
      </p>
    </div>
  );
}
