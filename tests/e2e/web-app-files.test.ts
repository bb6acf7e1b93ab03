import { request } from "node:http";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { WEB_APP_DIR } from "../../src/http/web-app";
import { startTestServer, type TestServer } from "../support/server";

/** A raw GET, so the path reaches the server exactly as written (fetch would resolve ".."). */
function get(url: string, path: string, headers: Record<string, string> = {}, method = "GET") {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const built = existsSync(join(WEB_APP_DIR, "index.html"));
if (!built) process.stdout.write("[web-app-files] dist/web is missing (npm run build makes it): SKIPPED\n");

/** The built web app (npm run build) as the server serves it at /app. */
(built ? describe : describe.skip)("the web app's files at /app", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
  });
  afterAll(() => server.close());

  it("serves the page with a strict CSP and no caching, and hashed assets for a year, gzipped when asked", async () => {
    expect(await get(server.url, "/app")).toMatchObject({ status: 308, headers: { location: "/app/" } });
    const page = await get(server.url, "/app/");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["cache-control"]).toBe("no-cache");
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain("unsafe");
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(page.body.toString())![1];
    const plain = await get(server.url, script);
    expect(plain).toMatchObject({ status: 200, headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=31536000, immutable" } });
    const zipped = await get(server.url, script, { "accept-encoding": "gzip, br" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    const head = await get(server.url, script, {}, "HEAD");
    expect(head).toMatchObject({ status: 200, headers: { "content-length": String(plain.body.length) } });
    expect(head.body.length).toBe(0);
  });

  it("serves the manifest and the service worker with their types, the worker never cached, and the page links both", async () => {
    const page = (await get(server.url, "/app/")).body.toString();
    expect(page).toContain('<link rel="manifest" href="/app/manifest.webmanifest">');
    expect(page).toMatch(/<script[^>]+src="\/app\/registerSW\.js"/);
    expect(String((await get(server.url, "/app/")).headers["content-security-policy"])).toContain("worker-src 'self'");

    const manifest = await get(server.url, "/app/manifest.webmanifest");
    expect(manifest).toMatchObject({ status: 200, headers: { "content-type": "application/manifest+json; charset=utf-8", "cache-control": "no-cache" } });
    const parsed = JSON.parse(manifest.body.toString()) as { start_url: string; scope: string; display: string; icons: Array<{ src: string; sizes: string }> };
    expect(parsed).toMatchObject({ start_url: "/app/", scope: "/app/", display: "standalone" });
    for (const icon of parsed.icons) {
      expect([icon.sizes, await get(server.url, `/app/${icon.src}`)]).toMatchObject([icon.sizes, { status: 200, headers: { "content-type": "image/png" } }]);
    }

    const worker = await get(server.url, "/app/sw.js");
    expect(worker).toMatchObject({ status: 200, headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" } });
    // The worker precaches every file of the build: the QR reader's chunk and the page among them.
    const precached = [...worker.body.toString().matchAll(/"?url"?:"([^"]+)"/g)].map((m) => m[1]);
    expect(precached).toEqual(expect.arrayContaining(["index.html", "manifest.webmanifest"]));
    expect(precached.some((url) => /^assets\/jsQR-[\w-]+\.js$/.test(url))).toBe(true);
    for (const url of new Set(precached)) expect([url, (await get(server.url, `/app/${url}`)).status]).toEqual([url, 200]);
    expect((await get(server.url, "/app/registerSW.js")).headers["cache-control"]).toBe("no-cache");
  });

  it("keeps the phone-number library (libphonenumber-js) out of the phone's chunk, in the sign-in chunk the worker precaches", async () => {
    const worker = (await get(server.url, "/app/sw.js")).body.toString();
    const precached = [...worker.matchAll(/"?url"?:"([^"]+)"/g)].map((m) => m[1]);
    const chunk = (name: string) => precached.find((url) => new RegExp(`^assets/${name}-[\\w-]+\\.js$`).test(url));
    const phone = (await get(server.url, `/app/${chunk("Phone")}`)).body.toString();
    const signIn = (await get(server.url, `/app/${chunk("SignIn")}`)).body.toString();
    // The library's metadata names every country's calling codes under this key.
    expect(signIn).toContain("country_calling_codes");
    expect(phone).not.toContain("country_calling_codes");
    // The phone loads it when sign-in is shown, by the chunk's own name.
    expect(phone).toContain(chunk("SignIn")!.replace("assets/", ""));
  });

  it("finds nothing outside the build, however the path is written", async () => {
    for (const path of [
      "/app/../package.json",
      "/app/%2e%2e/package.json",
      "/app/assets/../../src/main.js",
      "/app/..%2f..%2fpackage.json",
      "/app//etc/passwd",
      "/app/assets/",
      "/app/nothing.js",
      "/appendix",
    ]) {
      expect([path, (await get(server.url, path)).status]).toEqual([path, 404]);
    }
    expect((await get(server.url, "/app/", {}, "POST")).status).toBe(404);
  });
});
