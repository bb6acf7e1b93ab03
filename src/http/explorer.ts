import { createReadStream, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * GraphiQL for development, served from the installed packages (devDependencies), so the
 * explorer works with no internet and sends nothing anywhere else: Apollo's own landing
 * page loads Sandbox from a CDN. Production installs (`npm ci --omit=dev`) do not have
 * these packages, and production never serves the explorer.
 */
const ASSETS: Record<string, { module: string; file: string; type: string }> = {
  "react.js": { module: "react", file: "umd/react.production.min.js", type: "text/javascript" },
  "react-dom.js": { module: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript" },
  "graphiql.js": { module: "graphiql", file: "graphiql.min.js", type: "text/javascript" },
  "graphiql.css": { module: "graphiql", file: "graphiql.min.css", type: "text/css" },
};

export const EXPLORER_PATH = "/explorer/";

/** Where each asset is on disk, or null when the packages are not installed. */
function locateAssets(): Map<string, { path: string; type: string }> | null {
  const found = new Map<string, { path: string; type: string }>();
  for (const [name, asset] of Object.entries(ASSETS)) {
    let root: string;
    try {
      root = dirname(require.resolve(`${asset.module}/package.json`));
    } catch {
      return null;
    }
    const path = join(root, asset.file);
    if (!existsSync(path)) return null;
    found.set(name, { path, type: asset.type });
  }
  return found;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>wallet-center GraphQL explorer</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${EXPLORER_PATH}graphiql.css">
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading the explorer…</div>
<script src="${EXPLORER_PATH}react.js"></script>
<script src="${EXPLORER_PATH}react-dom.js"></script>
<script src="${EXPLORER_PATH}graphiql.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
  const defaultQuery = [
    "# wallet-center. A credential goes in the Headers tab below:",
    '#   {"authorization": "Bearer <token>"}',
    "# a phone's token from login, a register's or partner's API key, or the admin token.",
    "# The README's table says which role may call what.",
    "",
    "{ errorCodes }",
    "",
  ].join("\\n");
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery, isHeadersEditorEnabled: true }),
  );
</script>
</body>
</html>
`;

export interface Explorer {
  /** Answers GET /graphql from a browser with the explorer's page. */
  page(res: ServerResponse): void;
  /** Serves one of the explorer's files; false when `path` is not one. */
  asset(path: string, res: ServerResponse): boolean;
}

/** The development explorer, or null in production or where the packages are missing. */
export function developmentExplorer(production: boolean): Explorer | null {
  if (production) return null;
  const assets = locateAssets();
  if (!assets) return null;
  return {
    page(res) {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        // Only this server's own scripts and styles: nothing is loaded from elsewhere.
        "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
      });
      res.end(PAGE);
    },
    asset(path, res) {
      const asset = assets.get(path.slice(EXPLORER_PATH.length));
      if (!asset) return false;
      res.writeHead(200, { "content-type": `${asset.type}; charset=utf-8`, "cache-control": "max-age=3600" });
      createReadStream(asset.path).pipe(res);
      return true;
    },
  };
}

/** A browser asking for a page (not a GraphQL client, which asks for JSON). */
export function wantsHtml(req: IncomingMessage): boolean {
  return req.method === "GET" && (req.headers.accept ?? "").includes("text/html");
}
