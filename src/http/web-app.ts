import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import type { IncomingMessage, ServerResponse } from "node:http";

export const WEB_APP_PATH = "/app";

/** The built web app (apps/web, built by `npm run build` into dist/web), found from dist/src/http and from src/http alike. */
export const WEB_APP_DIR = join(__dirname, "..", "..", __dirname.includes(`${sep}dist${sep}`) ? "" : "dist", "web");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Only this server's own files; images may be data: URLs (the QR codes the API draws);
 * the camera's stream plays in a video element; the API and its WebSocket are 'self'.
 */
export const WEB_APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

interface WebFile {
  type: string;
  body: Buffer;
  gzipped: Buffer | null;
  cacheControl: string;
}

export interface WebApp {
  /** Answers GET or HEAD for a path under /app; false when the path names no file of the app. */
  serve(path: string, req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * The phone, register and gate pages. Every file of the build is read once at start, so
 * a request can only name one of them: no path reaches the file system, and "..", encoded
 * or not, finds nothing. Vite names the files under assets/ by their content's hash, so
 * browsers keep them for a year; index.html is asked for again each time.
 */
export function webApp(dir = WEB_APP_DIR): WebApp | null {
  if (!existsSync(join(dir, "index.html"))) return null;
  const files = new Map<string, WebFile>();
  for (const path of walk(dir)) {
    const name = relative(dir, path).split(sep).join("/");
    const type = TYPES[extname(name)] ?? "application/octet-stream";
    const body = readFileSync(path);
    const compressible = /^(text\/|application\/(json|manifest)|image\/svg)/.test(type) && body.length > 512;
    files.set(name, {
      type,
      body,
      gzipped: compressible ? gzipSync(body, { level: 9 }) : null,
      cacheControl: name.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    });
  }
  return {
    serve(path, req, res) {
      if (path === WEB_APP_PATH) {
        res.writeHead(308, { location: `${WEB_APP_PATH}/` });
        res.end();
        return true;
      }
      const name = path.slice(WEB_APP_PATH.length + 1) || "index.html";
      const file = files.get(name);
      if (!file) return false;
      const gzip = file.gzipped !== null && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
      const body = gzip ? file.gzipped! : file.body;
      res.writeHead(200, {
        "content-type": file.type,
        "content-length": body.length,
        "cache-control": file.cacheControl,
        ...(file.gzipped ? { vary: "accept-encoding" } : {}),
        ...(gzip ? { "content-encoding": "gzip" } : {}),
        "content-security-policy": WEB_APP_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "permissions-policy": "camera=(self), microphone=(), geolocation=()",
      });
      res.end(req.method === "HEAD" ? undefined : body);
      return true;
    },
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
