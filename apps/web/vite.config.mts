import { resolve } from "node:path";
import { defineConfig } from "vite";

// Built by `npm run build` into dist/web, which the server serves at /app (src/http/web-app.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: "/app/",
  resolve: { alias: { "@clients": resolve(import.meta.dirname, "../../clients") } },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: resolve(import.meta.dirname, "../../dist/web"),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  logLevel: "warn",
});
