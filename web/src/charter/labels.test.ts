import { afterEach, describe, expect, it } from "vitest"

import { locale } from "../i18n"
import {
  CONTRIBUTION_KIND,
  LANGUAGE,
  LEVEL,
  PARTNERSHIP_TYPE,
  RACI,
  RACI_CELL,
  raciHelp,
  raciLetter,
  RESOURCE_KIND,
  RISK_CATEGORY,
  SECTOR,
} from "./labels"
import { scalar } from "../model/values"

const SPECS = { PARTNERSHIP_TYPE, SECTOR, CONTRIBUTION_KIND, RACI, RISK_CATEGORY, LEVEL, RESOURCE_KIND, LANGUAGE }

afterEach(() => {
  locale.value = "en"
})

describe("enumeration labels", () => {
  it("names every known value in both languages, differently from the raw value", () => {
    for (const lang of ["en", "id"] as const) {
      locale.value = lang
      for (const [name, spec] of Object.entries(SPECS)) {
        for (const value of spec.values) {
          const label = spec.label(value)
          expect(label, `${name}.${value} in ${lang}`).toMatch(/\S/)
          if (name !== "LANGUAGE") expect(label, `${name}.${value} in ${lang}`).not.toBe(value)
        }
      }
    }
  })

  it("follows the interface language", () => {
    expect(SECTOR.label("government")).toBe("Government")
    locale.value = "id"
    expect(SECTOR.label("government")).toBe("Pemerintah")
    expect(RACI.label("accountable")).toBe("Penanggung jawab")
    expect(RACI_CELL.label("accountable")).toBe("A · Penanggung jawab")
  })

  it("reads scalar strings from the document", () => {
    expect(LEVEL.label(scalar("high"))).toBe("High")
  })

  it("shows a value written by a newer client as it is", () => {
    expect(SECTOR.label("philanthropy")).toBe("philanthropy")
    expect(raciLetter("supportive")).toBe("S")
    expect(raciHelp("supportive")).toBe("")
    expect(RACI_CELL.label("supportive")).toBe("supportive")
  })

  it("abbreviates and explains the RACI roles", () => {
    expect(RACI.values.map(raciLetter).join("")).toBe("RACI")
    expect(raciHelp("informed")).toMatch(/progress/)
  })
})
