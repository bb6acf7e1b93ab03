/**
 * The canonical text a device signs to approve one request instead of the password
 * (docs/device-proofs.md specifies it for phone developers; clients/wire/proof-text.ts is
 * its one definition, which the phone and this file share). The phone sends it as `proof.payload`; the server builds the text it
 * expects from the request's own arguments and the counter the payload names, and takes
 * the proof only if the two are the same, byte for byte, and the signature verifies.
 *
 *   wallet-center device proof v1
 *   operation: issuePaymentCode
 *   device: <the device id>
 *   counter: <a whole number above the last one accepted from this device>
 *   cardId: "<the cardId argument, as JSON>"
 *   maxAmount: <the maxAmount argument as JSON, null when not given>
 *
 * Lines end with "\n" (none after the last); the arguments follow in the contract's order,
 * the password and the proof left out. The first line names the kind of text: other kinds
 * a device key signs (an offline payment token, say) have their own, so one kind's
 * signature can never be taken for another's.
 */
export { PROOF_ARGUMENTS, PROOF_HEADER, proofText, type ProofArguments, type ProofOperation } from "../../../clients/wire/proof-text";

const COUNTER_LINE = /^counter: ([1-9][0-9]{0,15})$/;
const COUNTER_LINE_INDEX = 3;
/** Far above any real payload; a longer one is refused before any work. */
export const MAX_PAYLOAD_CHARS = 2000;

/** The counter a payload names, or null when its fourth line is not a counter line. */
export function counterOf(payload: string): number | null {
  const match = COUNTER_LINE.exec(payload.split("\n", COUNTER_LINE_INDEX + 1)[COUNTER_LINE_INDEX] ?? "");
  if (!match) return null;
  const counter = Number(match[1]);
  return Number.isSafeInteger(counter) ? counter : null;
}

/** Which line of `payload` first differs from `expected` (1-based) and what it holds; null when they are the same. */
export function firstDifference(payload: string, expected: string): { line: number; field: string } | null {
  if (payload === expected) return null;
  const got = payload.split("\n");
  const want = expected.split("\n");
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    if (got[i] !== want[i]) return { line: i + 1, field: fieldOf(want[i], i) };
  }
  return { line: want.length, field: fieldOf(want[want.length - 1], want.length - 1) };
}

function fieldOf(line: string | undefined, index: number): string {
  if (index === 0) return "header";
  if (line === undefined) return "end";
  return line.slice(0, line.indexOf(":"));
}
