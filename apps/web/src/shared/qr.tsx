/** The QR the server drew (IssuedCode.qrSvg) as an image: an <img> runs nothing inside the SVG. */
export function QrImage({ svg, label }: { svg: string; label: string }) {
  return <img class="qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} alt={label} />;
}
