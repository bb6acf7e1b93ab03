import QRCode from "qrcode";

// Medium error correction survives a cracked phone screen; the margin is the quiet zone
// scanners need.
const OPTIONS = { errorCorrectionLevel: "M" as const, margin: 2 };

/** The code as a QR image in SVG text (small, sharp at any size: what a phone shows). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: "svg" });
}

/** The code as a QR image in a PNG data URL (costlier: made only when a client asks). */
export function qrPngDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { ...OPTIONS, type: "image/png", scale: 6 });
}
