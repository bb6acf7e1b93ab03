import type { Page } from "playwright-core";

/** The phone's sections that sit under a bottom-bar tab (apps/web/src/phone/Phone.tsx GROUPS). */
const UNDER: Record<string, string> = { History: "Activity", Bills: "Activity", Inbox: "Activity", Tickets: "Passes", Members: "Passes" };

/** Opens a section as a person does: its bottom-bar tab, then, for a grouped one, its own tab. Any page's navigation otherwise. */
export async function openSection(page: Page, name: string): Promise<void> {
  const parent = UNDER[name];
  if (!parent) return page.getByRole("navigation").getByRole("button", { name, exact: true }).click();
  await page.getByRole("navigation", { name: "Wallet sections" }).getByRole("button", { name: parent, exact: true }).click();
  await page.getByRole("navigation", { name: `${parent} sections` }).getByRole("button", { name, exact: true }).click();
}
