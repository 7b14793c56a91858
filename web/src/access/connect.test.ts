import { describe, expect, it } from "vitest"

import { syncUrl } from "./connect"

describe("syncUrl", () => {
  it("puts the token in the sync endpoint's address, ws for http and wss for https", () => {
    expect(syncUrl("mtk_abc", "http://127.0.0.1:8080")).toBe("ws://127.0.0.1:8080/sync?token=mtk_abc")
    expect(syncUrl("mtk_abc", "https://mitra.example.org")).toBe("wss://mitra.example.org/sync?token=mtk_abc")
  })

  it("escapes what a query string cannot hold", () => {
    expect(syncUrl("a+b/c=", "http://h")).toBe("ws://h/sync?token=a%2Bb%2Fc%3D")
  })
})
