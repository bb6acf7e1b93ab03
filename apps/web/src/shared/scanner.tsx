import { useEffect, useRef, useState } from "preact/hooks";
import { words } from "./words";

interface Detector {
  detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>>;
}
type DecodeFrame = (canvas: HTMLCanvasElement, video: HTMLVideoElement) => Promise<string | null>;

/**
 * A frame reader: the browser's BarcodeDetector where it exists (Chrome on Android and
 * macOS), else jsQR on the frame drawn to a canvas (Chromium on Linux has no detector).
 * jsQR is loaded only when it is needed.
 */
async function frameDecoder(): Promise<DecodeFrame> {
  const Native = (globalThis as { BarcodeDetector?: new (options: { formats: string[] }) => Detector }).BarcodeDetector;
  if (Native) {
    const detector = new Native({ formats: ["qr_code"] });
    return async (_canvas, video) => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  const { default: jsQR } = await import("jsqr");
  return async (canvas, video) => {
    const { videoWidth: width, videoHeight: height } = video;
    if (!width || !height) return null;
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d", { willReadFrequently: true })!;
    context.drawImage(video, 0, 0, width, height);
    return jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: "dontInvert" })?.data ?? null;
  };
}

/** The camera's picture, read a few times a second until a QR code is found. */
export function CameraScanner({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        if (stopped) return;
        video.current!.srcObject = stream;
        await video.current!.play();
        const decode = await frameDecoder();
        while (!stopped) {
          const code = await decode(canvas.current!, video.current!);
          if (code && !stopped) {
            stopped = true;
            onCode(code);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
      } catch (error) {
        if (!stopped) setProblem(words.cameraUnavailable((error as Error).name));
      }
    })();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);
  return (
    <div class="scanner">
      <video ref={video} muted playsInline aria-label={words.cameraPicture} />
      <canvas ref={canvas} hidden />
      {problem ? <p role="alert">{problem}</p> : <p aria-live="polite">{words.holdCode}</p>}
      <button type="button" onClick={onClose}>
        {words.stopCamera}
      </button>
    </div>
  );
}

/**
 * A typed code as the server reads it. Spaces people type into a long code are dropped,
 * except in a compact ticket code (T3:, T4:), whose base45 alphabet has the space as a
 * character of its own.
 */
export function typedCode(typed: string): string {
  const trimmed = typed.trim();
  return /^T[34]:/.test(trimmed) ? trimmed : trimmed.replace(/\s+/g, "");
}

/** A code seen again within this long of its last sighting is the same visitor still holding it up. */
export const SAME_CODE_MS = 3000;
/** How often a frame is read: a code is decided within a fraction of a second of showing. */
const FRAME_MS = 100;

/**
 * The camera stays on and every code is handed over as it appears, with no tap per
 * visitor. The same code held in front of the camera is handed over once: it is not
 * again until it has been out of sight for SAME_CODE_MS. While `paused` (a code is
 * being checked), codes are not handed over, nor remembered, so a new one waiting is
 * taken as soon as the check ends.
 */
export function ContinuousScanner({
  onCode,
  paused,
  hint,
  onUnavailable,
}: {
  onCode: (code: string) => void;
  paused: boolean;
  hint: string;
  /** The camera or the reader cannot be had: the page offers typing instead. */
  onUnavailable?: () => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const latest = useRef({ onCode, paused, onUnavailable });
  latest.current = { onCode, paused, onUnavailable };
  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let last: { code: string; seenAt: number } | null = null;
    void (async () => {
      try {
        // The reader first: it is in the service worker's cache, so this works with no network too.
        const decode = await frameDecoder();
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        if (stopped) return;
        video.current!.srcObject = stream;
        await video.current!.play();
        while (!stopped) {
          const code = await decode(canvas.current!, video.current!);
          const now = Date.now();
          if (code && !stopped) {
            if (last && last.code === code && now - last.seenAt < SAME_CODE_MS) last.seenAt = now;
            else if (!latest.current.paused) {
              last = { code, seenAt: now };
              latest.current.onCode(code);
            }
          }
          await new Promise((resolve) => setTimeout(resolve, FRAME_MS));
        }
      } catch (error) {
        if (stopped) return;
        setProblem(words.cameraUnavailable((error as Error).name));
        latest.current.onUnavailable?.();
      }
    })();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);
  return (
    <div class="scanner continuous">
      <video ref={video} muted playsInline aria-label={words.cameraPicture} />
      <canvas ref={canvas} hidden />
      {problem ? (
        <p role="alert">{problem}</p>
      ) : (
        <p aria-live="polite" data-testid="scanner-state" class="scanner-state">
          {hint}
        </p>
      )}
    </div>
  );
}

/** A typed code, for when the camera cannot read one. */
export function TypedCode({ label, onCode, busy }: { label: string; onCode: (code: string) => void; busy?: boolean }) {
  const [typed, setTyped] = useState("");
  return (
    <form
      class="code-input"
      onSubmit={(event) => {
        event.preventDefault();
        const code = typedCode(typed);
        if (code) {
          onCode(code);
          setTyped("");
        }
      }}
    >
      <label>
        {label}
        <input value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autocomplete="off" spellcheck={false} inputMode="text" name="code" />
      </label>
      <button type="submit" disabled={busy || !typed.trim()}>
        {words.useThisCode}
      </button>
    </form>
  );
}

/** A code from the camera or typed: both end in `onCode`. */
export function CodeInput({ label, onCode, busy }: { label: string; onCode: (code: string) => void; busy?: boolean }) {
  const [scanning, setScanning] = useState(false);
  const [typed, setTyped] = useState("");
  return (
    <div class="code-input">
      {scanning ? (
        <CameraScanner
          onCode={(code) => {
            setScanning(false);
            setTyped(code);
            onCode(code);
          }}
          onClose={() => setScanning(false)}
        />
      ) : (
        <button type="button" class="primary" onClick={() => setScanning(true)} disabled={busy}>
          {words.scanWithCamera}
        </button>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const code = typedCode(typed);
          if (code) onCode(code);
        }}
      >
        <label>
          {label}
          <input value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autocomplete="off" spellcheck={false} inputMode="text" name="code" />
        </label>
        <button type="submit" disabled={busy || !typed.trim()}>
          {words.useThisCode}
        </button>
      </form>
    </div>
  );
}
