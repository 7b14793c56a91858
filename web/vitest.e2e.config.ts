import { defineConfig } from "vitest/config"

// End-to-end tests: real headless Chromium (Debian's package) driven by
// playwright-core against a real `mitra serve` on loopback. Run with
// `npm run e2e` after `npm run build` and `cargo build -p mitra`.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
