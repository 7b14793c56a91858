import { beforeEach, describe, expect, it } from "vitest"

import { colourFor } from "../app/identity"
import { locale } from "../i18n"
import { deviceLabel, formatSpan, who } from "./present"

beforeEach(() => {
  locale.value = "en"
})

describe("who", () => {
  it("names attested people with their organisation, coloured as presence colours their account", () => {
    const person = who(
      { attested: true, key: "user:u|Yayasan Air", name: "Ayu Lestari", organisation: "Yayasan Air", userId: "u", tokenId: null },
      null,
    )
    expect(person).toEqual({ name: "Ayu Lestari", organisation: "Yayasan Air", colour: colourFor("u") })
  })

  it("names devices for changes nobody attested, this one as such", () => {
    const author = { attested: false as const, key: "actor:a1b2c3d4e5f6", actor: "a1b2c3d4e5f6" }
    expect(who(author, "a1b2c3d4e5f6").name).toBe("This device")
    expect(who(author, "ffff").name).toBe("Device a1b2c3d4")
    locale.value = "id"
    expect(who(author, "ffff").name).toBe("Perangkat a1b2c3d4")
  })

  it("reads actor ids that start with a name", () => {
    const hex = (text: string) => [...text].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("")
    expect(deviceLabel(hex("mitra-demo:") + "00ff17")).toBe("mitra-demo")
    expect(deviceLabel(hex("mitra-demo:nM") + "00ff17")).toBe("mitra-demo")
    expect(deviceLabel(hex("laptop-ayu"))).toBe("laptop-ayu")
    expect(deviceLabel("00ff00ff00ff")).toBe("00ff00ff")
    expect(deviceLabel(hex("ab") + "00ff00ff")).toBe("616200ff")
  })
})

describe("formatSpan", () => {
  it("gives one time, a span within a day, or two dates", () => {
    const start = new Date(2025, 2, 4, 9, 0).getTime()
    expect(formatSpan(start, start)).not.toContain("–")
    const sameDay = formatSpan(start, start + 45 * 60_000)
    expect(sameDay).toMatch(/–/)
    expect(sameDay.split("–")[1]).not.toMatch(/2025/)
    expect(formatSpan(start, start + 3 * 86_400_000).split("–")[1]).toMatch(/2025/)
    expect(formatSpan(null, null)).toBe("time unknown")
  })
})
