import { WalletApiError } from "@clients/common";
import { platformAuthenticatorIsAvailable, startRegistration } from "@simplewebauthn/browser";
import { useEffect, useState } from "preact/hooks";
import { phoneErrorWords, pw } from "./phone-words";
import { Problem } from "../shared/problem";
import type { PhoneSession } from "./session";

type Offer = "passkey" | "pin";

/** Customers who answered "Later" in this page's life: not offered again until the page is opened anew. */
const later = new Set<string>();

/**
 * Offers, to a customer who has set up nothing yet, the way this phone can say who holds
 * it when a payment is approved: its screen lock (fingerprint, face or the device PIN, a
 * passkey made by the platform authenticator) or, where the phone has none, a payment
 * PIN. The password is asked once for either. "Later" hides it until the page is opened again.
 */
export function VerificationSetup({ session }: { session: PhoneSession }) {
  const [offer, setOffer] = useState<Offer | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void (async () => {
      const methods = await session.client.userVerificationMethods().catch(() => null);
      if (!current || !methods || methods.passkeys > 0 || methods.pin || later.has(session.customerId)) return;
      const platform = await platformAuthenticatorIsAvailable().catch(() => false);
      if (current) setOffer(platform ? "passkey" : "pin");
    })();
    return () => void (current = false);
  }, [session]);
  if (done)
    return (
      <div role="status" class="notice ok row-between">
        <p>{done}</p>
        <button type="button" onClick={() => setDone(null)}>
          {pw.ok}
        </button>
      </div>
    );
  if (!offer) return null;
  return <SetupForm session={session} offer={offer} onOffer={setOffer} onDone={setDone} onLater={() => (later.add(session.customerId), setOffer(null))} />;
}

function SetupForm({ session, offer, onOffer, onDone, onLater }: { session: PhoneSession; offer: Offer; onOffer: (o: Offer) => void; onDone: (text: string) => void; onLater: () => void }) {
  const [password, setPassword] = useState("");
  const [pin, setPin] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      if (offer === "passkey") {
        const optionsJSON = (await session.client.passkeyRegistrationOptions(password)) as unknown as Parameters<typeof startRegistration>[0]["optionsJSON"];
        await session.client.registerPasskey(await startRegistration({ optionsJSON }), pw.passkeyName);
        onDone(pw.doneScreenLock);
      } else {
        await session.client.setPaymentPin(pin, password);
        onDone(pw.donePin);
      }
    } catch (error) {
      setProblem(error instanceof WalletApiError || error instanceof TypeError ? phoneErrorWords(error) : pw.phoneDidNotConfirm);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="setup-title">
      <h2 id="setup-title">{offer === "passkey" ? pw.setupPasskeyTitle : pw.setupPinTitle}</h2>
      <p>
        {offer === "passkey" ? pw.setupPasskeyWhy : pw.setupPinWhy}
      </p>
      {offer === "pin" && (
        <label>
          {pw.pinDigits}
          <input type="password" inputMode="numeric" autocomplete="new-password" pattern="[0-9]{4,8}" required value={pin} onInput={(e) => setPin(e.currentTarget.value)} />
        </label>
      )}
      <label>
        {pw.yourPassword}
        <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <Problem text={problem} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {offer === "passkey" ? pw.useScreenLock : pw.setPin}
        </button>
        <button type="button" onClick={onLater}>
          {pw.later}
        </button>
      </div>
      {offer === "passkey" && (
        <button type="button" class="link" onClick={() => onOffer("pin")}>
          {pw.usePinInstead}
        </button>
      )}
    </form>
  );
}
