import { afterEach, describe, expect, it } from "vitest"

import { locale } from "../../i18n"
import { scalar } from "../../model/values"
import { enumChoices, enumSpec, isOneOf, labelOf, withCurrent } from "./choices"

afterEach(() => {
  locale.value = "en"
})

const choices = [
  { value: "dlh", label: "Sukamaju City Environment Agency (DLH)" },
  { value: "ngo", label: "Udara Kita Foundation" },
]

describe("choices", () => {
  it("labels a value, or shows it as it is when it is not a choice", () => {
    expect(labelOf(choices, "ngo")).toBe("Udara Kita Foundation")
    expect(labelOf(choices, "gone")).toBe("gone")
  })

  it("keeps a stored value that is not a choice", () => {
    expect(withCurrent(choices, "")).toHaveLength(2)
    expect(withCurrent(choices, "dlh")).toHaveLength(2)
    expect(withCurrent(choices, "gone").at(-1)).toEqual({ value: "gone", label: "gone (unknown)" })
    expect(withCurrent(choices, "gone", () => "Gone").at(-1)).toEqual({ value: "gone", label: "Gone" })
    locale.value = "id"
    expect(withCurrent(choices, "gone").at(-1)?.label).toBe("gone (tidak dikenal)")
  })
})

describe("enumerations", () => {
  const LEVEL = enumSpec(["low", "high"] as const, (v) => (v === "low" ? "Low" : "High"))

  it("names known values, reads scalar strings, and shows unknown values as they are", () => {
    expect(LEVEL.label("low")).toBe("Low")
    expect(LEVEL.label(scalar("high"))).toBe("High")
    expect(LEVEL.label("extreme")).toBe("extreme")
    expect(enumChoices(LEVEL)).toEqual([
      { value: "low", label: "Low" },
      { value: "high", label: "High" },
    ])
    expect(isOneOf(["low", "high"], "low")).toBe(true)
    expect(isOneOf(["low", "high"], "extreme")).toBe(false)
  })
})
