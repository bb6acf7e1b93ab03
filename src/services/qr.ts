import QRCode from "qrcode";

export interface QrImages {
  svg: string;
  pngDataUrl: string;
}

// Medium error correction survives a cracked phone screen; the margin is the quiet zone
// scanners need.
const OPTIONS = { errorCorrectionLevel: "M" as const, margin: 2 };

export async function renderQr(text: string): Promise<QrImages> {
  const [svg, pngDataUrl] = await Promise.all([
    QRCode.toString(text, { ...OPTIONS, type: "svg" }),
    QRCode.toDataURL(text, { ...OPTIONS, type: "image/png", scale: 6 }),
  ]);
  return { svg, pngDataUrl };
}
