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
    // Installable and offline-first: a manifest, and a service worker (sw.js, scope /app/)
    // that precaches every file of the build, the QR reader's chunk included, so a gate
    // that lost the network before its first scan still reads codes, and a reload with no
    // network still shows the app. A new build's worker takes over at once.
    VitePWA({
      injectRegister: "script",
      registerType: "autoUpdate",
      filename: "sw.js",
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
      workbox: {
        globPatterns: ["**/*.{js,css,html,png,svg,webmanifest}"],
        navigateFallback: "/app/index.html",
        inlineWorkboxRuntime: true,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
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
