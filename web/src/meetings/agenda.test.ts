import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import { newMeeting } from "../model/create"
import { str } from "../model/values"
import { addItem, setItemField } from "./edit"
import { parseMinutes, plannedMinutes } from "./agenda"
import { newAgendaItem } from "./items"

describe("agenda minutes", () => {
  it("parses what is typed as a whole, non-negative number", () => {
    expect(parseMinutes("25")).toBe(25)
    expect(parseMinutes(" 12,6 ")).toBe(13)
    expect(parseMinutes("-5")).toBe(0)
    expect(parseMinutes("")).toBeNull()
    expect(parseMinutes("half an hour")).toBeNull()
  })

  it("adds up the planned minutes of a real document", () => {
    let doc = A.from(newMeeting("Steering", "2025-09-16T09:30:00+07:00", "Asia/Jakarta", "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu"))
    doc = A.change(doc, (d) => {
      const first = newAgendaItem("Indicators")
      addItem(d, "agenda", first)
      addItem(d, "agenda", newAgendaItem("Any other business"))
      setItemField(d, "agenda", str(first.id), "durationMinutes", 30)
    })
    expect(plannedMinutes(doc.agenda)).toBe(30)
    // An unsigned integer as the Rust model writes it.
    doc = A.change(doc, (d) => {
      d.agenda[1].durationMinutes = new A.Uint(10) as unknown as number
    })
    expect(typeof doc.agenda[1].durationMinutes).toBe("bigint")
    expect(plannedMinutes(doc.agenda)).toBe(40)
  })
})
