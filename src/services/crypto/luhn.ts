/** Luhn (mod 10) check, used for card numbers and for our own code check digit. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}

/** The digit that, appended to `digits`, makes the whole string Luhn-valid. */
export function luhnCheckDigit(digits: string): string {
  return String((10 - (luhnSum(digits, true) % 10)) % 10);
}

// Sum with every second digit doubled, counting from the right; `beforeCheck` means
// the check digit is not appended yet, so doubling starts at the last digit.
function luhnSum(digits: string, beforeCheck: boolean): number {
  let sum = 0;
  for (let i = digits.length - 1, double = beforeCheck; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** The card brand from the issuer prefix (IIN ranges of the major schemes). */
export function brandOf(pan: string): string {
  if (/^4/.test(pan)) return "VISA";
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(pan)) return "MASTERCARD";
  if (/^3[47]/.test(pan)) return "AMEX";
  if (/^35(2[89]|[3-8]\d)/.test(pan)) return "JCB";
  if (/^3(0[0-5]|[689])/.test(pan)) return "DINERS";
  if (/^(6011|65|64[4-9])/.test(pan)) return "DISCOVER";
  if (/^62/.test(pan)) return "UNIONPAY";
  return "OTHER";
}
