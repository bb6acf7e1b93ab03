import { Script } from "node:vm";
import { productionKeys } from "../support/production";
import { startTestServer, type TestServer } from "../support/server";

/**
 * GET /graphql: a browser in development gets GraphiQL from the installed packages (no
 * internet, nothing loaded from elsewhere); a plain curl gets a 400 that says how to send
 * an operation; production serves no explorer.
 */
describe("GET /graphql", () => {
  let development: TestServer;
  let production: TestServer;
  beforeAll(async () => {
    development = await startTestServer("sqlite");
    production = await startTestServer("sqlite", { env: productionKeys() });
  });
  afterAll(async () => {
    await development.close();
    await production.close();
  });

  it("shows a browser the explorer in development, with every script and style from this server", async () => {
    const page = await fetch(`${development.url}/graphql`, { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//); // no CDN, no telemetry
    // The page's own script is valid JavaScript (it is a template inside a TypeScript file).
    const inline = html.match(/<script>([\s\S]*?)<\/script>/)![1];
    expect(() => new Script(inline)).not.toThrow();
    const assets = [...html.matchAll(/(?:src|href)="(\/explorer\/[\w.-]+)"/g)].map((m) => m[1]);
    expect(assets.sort()).toEqual(["/explorer/graphiql.css", "/explorer/graphiql.js", "/explorer/react-dom.js", "/explorer/react.js"]);
    for (const asset of assets) {
      const answer = await fetch(development.url + asset);
      expect([asset, answer.status]).toEqual([asset, 200]);
      expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect((await fetch(`${development.url}/explorer/../package.json`)).status).toBe(404);
    expect((await fetch(`${development.url}/explorer/nothing.js`)).status).toBe(404);
  });

  it("tells a plain curl how to send an operation, as BAD_USER_INPUT", async () => {
    for (const server of [development, production]) {
      const answer = await fetch(`${server.url}/graphql`);
      expect(answer.status).toBe(400);
      const { errors } = (await answer.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(errors[0].extensions.code).toBe("BAD_USER_INPUT");
      expect(errors[0].message).toContain("POST /graphql with content-type application/json");
      expect(errors[0].message).not.toContain("Cross-Site Request Forgery");
    }
  });

  it("still answers a GET with an operation and the preflight header", async () => {
    const answer = await fetch(`${development.url}/graphql?query=${encodeURIComponent("{ errorCodes }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { data: { errorCodes: string[] } }).data.errorCodes).toContain("CODE_EXPIRED");
  });

  it("serves no explorer in production", async () => {
    const page = await fetch(`${production.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(400);
    expect((await fetch(`${production.url}/explorer/graphiql.js`)).status).toBe(404);
  });
});
