import { useState } from "preact/hooks";
import { phoneErrorWords, pw } from "./phone-words";
import { number } from "../shared/format";
import { LanguageSwitch } from "../shared/LanguageSwitch";
import { useLoad } from "../shared/use-load";
import type { PhoneSession } from "./session";
import { ConfirmSetting } from "./ConfirmSetting";
import { DailyLimitsSetting } from "./DailyLimitsSetting";
import { Notifications } from "./Notifications";

/**
 * This browser's limits for offline payments: what its offline tokens may pay in any 24
 * hours, within the operator's maximum. Lower limits are what a stolen, unlocked phone
 * could spend before the device is revoked; the server asks the password for a change.
 */

export function Settings({ session }: { session: PhoneSession }) {
  const { value: devices, setValue, problem } = useLoad(() => session.client.devices(), [session], phoneErrorWords);
  const [amount, setAmount] = useState("");
  const [count, setCount] = useState("");
  const [password, setPassword] = useState("");
  const [saving, setSaving] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!devices) return <p aria-live="polite">{pw.loadingSettings}</p>;
  const device = devices.find((d) => d.id === session.key.deviceId);
  if (!device) return <p class="problem">{pw.notYourDevice}</p>;
  const save = async (event: Event) => {
    event.preventDefault();
    setSaving(pw.saving);
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
      <h2 id="settings-title">{pw.settingsTitle}</h2>
      <h3>{pw.language}</h3>
      <LanguageSwitch />
      <ConfirmSetting session={session} />
      <DailyLimitsSetting session={session} />
      <Notifications session={session} />
      <h3>{pw.offlineTitle}</h3>
      <p data-testid="offline-limits">
        {pw.offlineLimits(device.offlineMaxAmount === null ? null : number(device.offlineMaxAmount), device.offlineMaxCount)}
      </p>
      <form onSubmit={save}>
        <label>
          {pw.mostIn24}
          <input type="number" inputMode="numeric" min="0" step="1" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
        </label>
        <label>
          {pw.paymentsIn24}
          <input type="number" inputMode="numeric" min="0" step="1" required value={count} onInput={(e) => setCount(e.currentTarget.value)} />
        </label>
        <label>
          {pw.yourPassword}
          <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {pw.saveOffline}
        </button>
      </form>
      {saving && (
        <p role={saving === pw.saving ? "status" : "alert"} class={saving === pw.saving ? "" : "problem"}>
          {saving}
        </p>
      )}
      {saved && (
        <p role="status" class="notice ok">
          {pw.saved}
        </p>
      )}
    </section>
  );
}
