import { defineConfig } from "vitest/config"
import { VitePWA } from "vite-plugin-pwa"
import wasm from "vite-plugin-wasm"

// The browser client. `npm run build` writes static files to dist/, which
// `mitra serve` serves at `/`. During development, `npm run dev` proxies the
// sync endpoint to a `mitra serve` on 127.0.0.1:8080.
export default defineConfig({
  plugins: [
    // automerge ships its engine as a WebAssembly module imported as ESM.
    wasm(),
    // A service worker (Workbox) keeps the client itself, wasm included, so
    // the workspace opens with no connection; the documents come from
    // IndexedDB.
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script",
      manifest: {
        name: "Mitra",
        short_name: "Mitra",
        description: "The living record of a partnership, co-edited live by every partner.",
        theme_color: "#0b57d0",
        background_color: "#f6f8fa",
        display: "standalone",
        icons: [{ src: "icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" }],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,wasm,svg}"],
        // automerge's engine is about 3.6 MB.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: "index.html",
        navigateFallbackDenylist: [/^\/sync/, /^\/api\//, /^\/healthz/, /^\/readyz/, /^\/metrics/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  build: {
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    proxy: {
      "/sync": { target: "ws://127.0.0.1:8080", ws: true },
      "/api": { target: "http://127.0.0.1:8080" },
    },
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
})
