import { useState } from "preact/hooks";
import { Problem } from "../shared/problem";
import { phoneErrorWords, pw } from "./phone-words";
import { withKey, type PhoneSession } from "./session";

/**
 * "Add to Apple Wallet" and "Save to Google Wallet" for a ticket or a member card
 * (docs/passes.md). Each asks the server with the device's proof, as a code is asked
 * for, then opens what it gave: the .pkpass download (Wallet offers to add it) or
 * Google's save page. Both need the network; an error says why in the phone's words.
 */
export function WalletButtons({ session, of, name }: { session: PhoneSession; of: { ticketId: string } | { programId: string }; name: string }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const open = async (get: () => Promise<string>) => {
    setBusy(true);
    setProblem(null);
    try {
      window.location.assign(await get());
    } catch (error) {
      setProblem(phoneErrorWords(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="row" role="group" aria-label={pw.walletActions(name)}>
      <button type="button" disabled={busy} onClick={() => open(async () => (await withKey(session, (key) => session.client.appleWalletPass(of, key))).downloadUrl)}>
        {pw.addToAppleWallet}
      </button>
      <button type="button" disabled={busy} onClick={() => open(async () => (await withKey(session, (key) => session.client.googleWalletLink(of, key))).url)}>
        {pw.saveToGoogleWallet}
      </button>
      {busy && <span aria-live="polite">{pw.walletOpening}</span>}
      <Problem text={problem} />
    </div>
  );
}
