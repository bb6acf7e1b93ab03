import QRCode from "qrcode";
import { useEffect, useState } from "preact/hooks";
import { QrImage } from "./qr";
import { words } from "./words";

// As the server draws its codes (src/services/codes/qr.ts): medium error correction, a quiet zone.
const OPTIONS = { errorCorrectionLevel: "M" as const, margin: 2, type: "svg" as const };

/**
 * A QR drawn on this device, for codes the phone makes itself (a rotating ticket code,
 * an offline payment token, a receipt): no request, so it works with no network. The
 * encoder is in the phone's bundle, not loaded later, for the same reason. `level` L suits
 * long text shown on a screen, which no smudge hides.
 */
export function LocalQr({ text, label, level = OPTIONS.errorCorrectionLevel }: { text: string; label: string; level?: "L" | "M" }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    QRCode.toString(text, { ...OPTIONS, errorCorrectionLevel: level }).then((drawn) => current && setSvg(drawn));
    return () => void (current = false);
  }, [text, level]);
  return svg ? <QrImage svg={svg} label={label} /> : <p aria-live="polite">{words.drawingCode}</p>;
}

/** A code too long to read aloud, as text for a clerk or a test to copy; folded away below its QR. */
export function LongCode({ code, testId }: { code: string; testId: string }) {
  return (
    <details class="long-code">
      <summary>{words.codeAsText}</summary>
      <code data-testid={testId}>{code}</code>
    </details>
  );
}
