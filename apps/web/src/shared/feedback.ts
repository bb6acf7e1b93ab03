/**
 * A beep and a vibration for a verdict, so an attendant hears the result without looking:
 * one high beep for yes, two low ones for no. The AudioContext starts on the first tap
 * or key (browsers keep it silent before one); the vibration is there on phones only.
 */
let audio: AudioContext | null = null;

function context(): AudioContext | null {
  if (audio) return audio;
  const Context = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Context) return null;
  audio = new Context();
  return audio;
}

/** Lets the sound play from now on: call it from a tap or a key press. */
export function unlockSound(): void {
  const ctx = context();
  if (ctx && ctx.state === "suspended") void ctx.resume().catch(() => {});
}

function beep(ctx: AudioContext, frequency: number, start: number, seconds: number): void {
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.type = "square";
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.2, ctx.currentTime + start);
  gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + start + seconds);
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(ctx.currentTime + start);
  oscillator.stop(ctx.currentTime + start + seconds);
}

export function signalVerdict(ok: boolean): void {
  try {
    const ctx = context();
    if (ctx && ctx.state === "running") {
      if (ok) beep(ctx, 1320, 0, 0.15);
      else {
        beep(ctx, 220, 0, 0.18);
        beep(ctx, 220, 0.25, 0.18);
      }
    }
  } catch {
    // No sound on this device: the screen's colour still says it.
  }
  navigator.vibrate?.(ok ? 80 : [150, 80, 150]);
}
