import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium (`.ci/run` installs it); playwright-core downloads no browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function hasFfmpeg(): boolean {
  try {
    execFileSync("ffmpeg", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Why the browser tests cannot run here, or null when they can. */
export const missingTools = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium)` : !hasFfmpeg() ? "no ffmpeg (apt-get install -y ffmpeg)" : null;

/**
 * A headless Chromium with nothing running in the background; playwright gives each
 * launch a fresh profile (a new --user-data-dir of its own, removed on close). With
 * `camera`, its camera plays that .y4m video and the permission is granted without asking.
 */
export function launchChromium(options: { camera?: string } = {}): Promise<Browser> {
  const args = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    ...(options.camera ? ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${options.camera}`] : []),
  ];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** A video of one still picture, for Chromium's fake camera (640x480, the picture centred on white). */
export function videoOfPicture(png: string, y4m: string): void {
  execFileSync("ffmpeg", [
    "-loglevel", "error", "-y", "-loop", "1", "-i", png, "-t", "3", "-r", "10", "-pix_fmt", "yuv420p",
    "-vf", "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2:white",
    y4m,
  ]);
}

/**
 * Makes sure a page opened in a context that is already offline is offline before it
 * loads anything: Playwright applies a context's offline mode to a new page without
 * waiting for it, and a page that starts up still online sends what it has queued
 * (microsoft/playwright#42174). Setting it again waits for every page of the context.
 */
export async function offlineBeforeLoading(context: BrowserContext, page: Page): Promise<void> {
  await context.setOffline(true);
  await page.waitForFunction(() => !(globalThis as unknown as { navigator: { onLine: boolean } }).navigator.onLine);
}
