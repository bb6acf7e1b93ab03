import type { Page } from "playwright-core";
import { eventually } from "../support/eventually";

/** What the tests read of the page's globals (the test files compile without the DOM's types). */
interface Browsing {
  navigator: { serviceWorker: { controller: unknown } };
}

/** Until the service worker (which caches the whole app) controls the page. */
export const serviceWorkerControls = (page: Page) =>
  page.waitForFunction(() => (globalThis as unknown as Browsing).navigator.serviceWorker.controller !== null);

/** Signs a gate in: its key, the event picked from the list by its title, its name; the snapshot is taken before it opens. */
export async function openGate(page: Page, key: string, eventTitle: string, gateName: string): Promise<void> {
  await page.getByLabel("The gate's API key").fill(key);
  await page.getByRole("button", { name: "Show the events" }).click();
  await page.getByRole("radio", { name: new RegExp(eventTitle) }).check();
  await page.getByLabel("Gate name").fill(gateName);
  await page.getByRole("button", { name: "Open the gate" }).click();
  await page.getByRole("heading", { name: new RegExp(`Gate ${gateName}`) }).waitFor();
}

/** The words of the gate's typed entry a test finds it by, in the page's language. */
export interface TypedEntryWords {
  summary: string;
  field: string;
  button: string;
}

const ENGLISH: TypedEntryWords = { summary: "The camera cannot read it? Type the code", field: "Or type the ticket's code", button: "Use this code" };

/**
 * Types a code as a gate attendant does when the camera cannot read it, and returns the
 * verdict's result and words. A verdict still showing is dismissed first (a tap), so
 * the one returned is this scan's.
 */
export async function typeCode(page: Page, code: string, words: TypedEntryWords = ENGLISH): Promise<{ result: string; text: string }> {
  const verdict = page.getByTestId("verdict");
  if (await verdict.isVisible()) await verdict.click();
  await verdict.waitFor({ state: "hidden" });
  const field = page.getByLabel(words.field);
  // The page opens the typed entry itself once it finds no camera, which may be just as
  // the summary is clicked and close it again: open it until it stays open.
  const opened = await eventually(async () => {
    if (await field.isVisible()) return true;
    await page.getByText(words.summary).click();
    return field.isVisible();
  }, 15_000, 500);
  if (!opened) throw new Error("the typed code's field does not open");
  await field.fill(code);
  await page.getByRole("button", { name: words.button }).click();
  // A handle still reads the verdict after it has gone (it shows for a moment only).
  const shown = await page.waitForSelector("[data-testid=verdict]");
  const [result, text] = await Promise.all([shown.getAttribute("data-result"), shown.textContent()]);
  return { result: result ?? "", text: text ?? "" };
}

/** The number of scans the page says wait to be sent (0 when every scan is on the server). */
export async function queuedScans(page: Page): Promise<number> {
  const text = (await page.getByTestId("queued-scans").textContent()) ?? "";
  return Number(/(\d+) scans? waiting/.exec(text)?.[1] ?? 0);
}
