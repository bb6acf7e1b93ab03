import { useState } from "preact/hooks";
import { phoneErrorWords } from "./phone-words";
import { useLoad } from "../shared/use-load";
import type { PhoneSession } from "./session";
import { ConfirmSetting } from "./ConfirmSetting";

/**
 * This browser's limits for offline payments: what its offline tokens may pay in any 24
 * hours, within the operator's maximum. Lower limits are what a stolen, unlocked phone
 * could spend before the device is revoked; the server asks the password for a change.
 */
const SAVING = "Saving…";

export function Settings({ session }: { session: PhoneSession }) {
  const { value: devices, setValue, problem } = useLoad(() => session.client.devices(), [session], phoneErrorWords);
  const [amount, setAmount] = useState("");
  const [count, setCount] = useState("");
  const [password, setPassword] = useState("");
  const [saving, setSaving] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!devices) return <p aria-live="polite">Loading your settings…</p>;
  const device = devices.find((d) => d.id === session.key.deviceId);
  if (!device) return <p class="problem">This browser is not one of your devices any more. Sign out and in again.</p>;
  const save = async (event: Event) => {
    event.preventDefault();
    setSaving(SAVING);
    setSaved(false);
    try {
      const updated = await session.client.setOfflineLimits(device.id, Number(amount), Number(count), password);
      setValue(devices.map((d) => (d.id === updated.id ? updated : d)));
      setPassword("");
      setSaved(true);
      setSaving(null);
    } catch (error) {
      setSaving(phoneErrorWords(error));
    }
  };
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <ConfirmSetting session={session} />
      <h3>Offline payments from this browser</h3>
      <p data-testid="offline-limits">
        In any 24 hours: {device.offlineMaxAmount === null ? "up to the operator's maximum amount" : `at most ${device.offlineMaxAmount.toLocaleString()}`},{" "}
        {device.offlineMaxCount === null ? "and the operator's maximum number of payments" : `in at most ${device.offlineMaxCount} payments`}.
      </p>
      <form onSubmit={save}>
        <label>
          Most in 24 hours
          <input type="number" inputMode="numeric" min="0" step="1" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
        </label>
        <label>
          Payments in 24 hours
          <input type="number" inputMode="numeric" min="0" step="1" required value={count} onInput={(e) => setCount(e.currentTarget.value)} />
        </label>
        <label>
          Your password
          <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          Save the offline limits
        </button>
      </form>
      {saving && (
        <p role={saving === SAVING ? "status" : "alert"} class={saving === SAVING ? "" : "problem"}>
          {saving}
        </p>
      )}
      {saved && (
        <p role="status" class="notice ok">
          Saved.
        </p>
      )}
    </section>
  );
}
