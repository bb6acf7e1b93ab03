import { writeFileSync } from "node:fs";
import { PNG } from "pngjs";

/** The side of the square pictures the fake cameras show, in pixels. */
export const SIDE = 480;

/** A white square, the camera's picture when no code is held up to it. */
export function blankPicture(path: string): void {
  const png = new PNG({ width: SIDE, height: SIDE });
  png.data.fill(255);
  writeFileSync(path, PNG.sync.write(png));
}
