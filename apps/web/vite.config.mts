import { resolve } from "node:path";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

// Built by `npm run build` into dist/web, which the server serves at /app (src/http/web-app.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: "/app/",
  resolve: { alias: { "@clients": resolve(import.meta.dirname, "../../clients") } },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  plugins: [
    // Installable and offline-first: a manifest, and a service worker of our own
    // (src/sw/sw.ts, built to sw.js, scope /app/) that precaches every file of the build,
    // the QR reader's chunk included, so a gate that lost the network before its first
    // scan still reads codes, and a reload with no network still shows the app. A new
    // build's worker takes over at once. It also shows Web Push notifications (docs/push.md).
    VitePWA({
      injectRegister: "script",
      registerType: "autoUpdate",
      strategies: "injectManifest",
      srcDir: "src/sw",
      filename: "sw.ts",
      manifestFilename: "manifest.webmanifest",
      manifest: {
        name: "wallet-center",
        short_name: "wallet-center",
        description: "Pay with a code, admit tickets at the gate, take payments at the register.",
        id: "/app/",
        start_url: "/app/",
        scope: "/app/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#0a6b2d",
        icons: [
          { src: "icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
        ],
      },
      injectManifest: {
        globPatterns: ["**/*.{js,css,html,png,svg,webmanifest}"],
      },
    }),
  ],
  build: {
    outDir: resolve(import.meta.dirname, "../../dist/web"),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  logLevel: "warn",
});
