import { defineConfig } from "vitest/config"
import wasm from "vite-plugin-wasm"

// The browser client. `npm run build` writes static files to dist/, which
// `mitra serve` serves at `/`. During development, `npm run dev` proxies the
// sync endpoint to a `mitra serve` on 127.0.0.1:8080.
export default defineConfig({
  // automerge ships its engine as a WebAssembly module imported as ESM.
  plugins: [wasm()],
  build: {
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    proxy: {
      "/sync": { target: "ws://127.0.0.1:8080", ws: true },
    },
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
})
