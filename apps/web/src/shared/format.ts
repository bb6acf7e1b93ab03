const ZERO_DECIMAL = new Set(["JPY", "KRW", "VND", "CLP", "ISK"]);

/** Amounts are in the currency's minor unit (yen are whole; dollars have cents). */
export function money(amount: number, currency: string): string {
  const value = ZERO_DECIMAL.has(currency) ? amount : amount / 100;
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(value);
}

/** A long code split in groups of four, easier to read aloud or type. */
export const grouped = (code: string) => (/^\d+$/.test(code) ? code.replace(/(\d{4})(?=\d)/g, "$1 ") : code);

export const when = (iso: string) => new Date(iso).toLocaleString();
