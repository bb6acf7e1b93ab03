/**
 * A verdict heard and felt as well as seen: a beep through WebAudio (one high for yes,
 * two low for no) and a vibration where the device has one. Either may be missing (no
 * audio device, no vibration motor, no user gesture yet): the screen alone still says it.
 */
let audio: AudioContext | null = null;

function beep(context: AudioContext, at: number, hertz: number, seconds: number): void {
  const tone = context.createOscillator();
  const volume = context.createGain();
  tone.type = "square";
  tone.frequency.value = hertz;
  volume.gain.setValueAtTime(0.2, at);
  volume.gain.exponentialRampToValueAtTime(0.001, at + seconds);
  tone.connect(volume).connect(context.destination);
  tone.start(at);
  tone.stop(at + seconds);
}

export function signalVerdict(ok: boolean): void {
  try {
    const Context = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (Context) {
      audio ??= new Context();
      void audio.resume().catch(() => {});
      const now = audio.currentTime;
      if (ok) beep(audio, now, 1320, 0.18);
      else [0, 0.25].forEach((offset) => beep(audio!, now + offset, 220, 0.2));
    }
  } catch {
    // No sound here; the colour and the words carry the verdict.
  }
  navigator.vibrate?.(ok ? 120 : [200, 100, 200]);
}
