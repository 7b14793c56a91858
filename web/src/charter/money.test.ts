import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import { newCharter } from "../model/create"
import { scalar } from "../model/values"
import { newResource } from "./factories"
import { formatAmount, formatNumber, parseAmount, totalsByCurrency } from "./money"

// Spacing around currency symbols differs between ICU versions: compare without it.
const plain = (s: string) => s.replace(/[\s\u00a0\u202f]/g, "")

describe("formatAmount", () => {
  it("formats rupiah and dollars in the reader's language", () => {
    expect(plain(formatAmount(350_000_000, "IDR", "id"))).toBe("Rp350.000.000")
    expect(plain(formatAmount(350_000_000, "IDR", "en"))).toBe("IDR350,000,000")
    expect(plain(formatAmount(120_000, "USD", "en"))).toBe("US$120,000")
    expect(plain(formatAmount(120_000, "USD", "id"))).toBe("US$120.000")
  })

  it("keeps cents when there are some", () => {
    expect(plain(formatAmount(1250.5, "USD", "en"))).toBe("US$1,250.50")
  })

  it("shows an amount without a currency, or with an unknown code, as a number", () => {
    expect(formatAmount(1500, null, "en")).toBe("1,500")
    expect(formatAmount(1500, "points", "id")).toBe("1.500 points")
  })
})

describe("parseAmount", () => {
  it("reads grouping and decimals the way each language writes them", () => {
    expect(parseAmount("350.000.000", "id")).toBe(350_000_000)
    expect(parseAmount("1.250,5", "id")).toBe(1250.5)
    expect(parseAmount("350,000,000", "en")).toBe(350_000_000)
    expect(parseAmount("1,250.5", "en")).toBe(1250.5)
  })

  it("reads a single separator as the decimal point", () => {
    expect(parseAmount("0,5", "id")).toBe(0.5)
    expect(parseAmount("0.5", "id")).toBe(0.5)
    expect(parseAmount("2,5", "en")).toBe(2.5)
    expect(parseAmount(" 1 500 000 ", "en")).toBe(1_500_000)
  })

  it("rejects what is not a number, and reads empty as no amount", () => {
    expect(parseAmount("", "en")).toBeNull()
    expect(parseAmount("about 5", "en")).toBeNull()
    expect(parseAmount("1.2.3", "en")).toBeNull()
  })

  it("reads back what formatNumber writes", () => {
    for (const locale of ["en", "id"] as const) {
      for (const n of [0, 7, 1500, 350_000_000, 1250.75, -42.5]) {
        expect(parseAmount(formatNumber(n, locale), locale)).toBe(n)
      }
    }
  })
})

describe("totalsByCurrency", () => {
  it("sums each currency's amounts in a charter, leaving out amounts without currency", () => {
    const resource = (amount: number | null, currency: string | null) => ({
      ...newResource(),
      amount,
      currency: currency === null ? null : scalar(currency),
    })
    const doc = A.from({
      ...newCharter("Clean Air", "en"),
      resources: [resource(120_000, "USD"), resource(350_000_000, "IDR"), resource(540_000_000, "IDR"), resource(null, null), resource(10, null)],
    })
    expect(totalsByCurrency(doc.resources)).toEqual([
      { currency: "USD", amount: 120_000 },
      { currency: "IDR", amount: 890_000_000 },
    ])
    expect(totalsByCurrency(undefined)).toEqual([])
  })
})
