import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import type { CharterDocument } from "../generated/model"
import { newCharter } from "../model/create"
import { scalar } from "../model/values"
import { ChangeLog } from "./changeLog"
import { SessionBuilder, changeCount, firstDifference } from "./sessions"
import { DEVICE, T0, attested, created, edit, sessionsOf } from "./testing"

/** Sets the charter's name (one change). */
const rename = (name: string) => (d: CharterDocument) => {
  d.name = scalar(name)
}

/** A charter edited by Ayu, then Budi, then Ayu twice with a long pause. */
function story(): A.Doc<CharterDocument> {
  let doc = created(newCharter("Air", "en"), DEVICE.ayu)
  doc = edit(doc, DEVICE.ayu, 1, rename("Air 1"))
  doc = edit(doc, DEVICE.ayu, 2, rename("Air 2"))
  doc = edit(doc, DEVICE.budi, 3, rename("Air 3"))
  doc = edit(doc, DEVICE.budi, 4, rename("Air 4"))
  doc = edit(doc, DEVICE.ayu, 5, rename("Air 5"))
  doc = edit(doc, DEVICE.ayu, 40, rename("Air 6"))
  return doc
}

describe("ChangeLog", () => {
  it("reads every change once, in causal order, and then only the new ones", () => {
    let doc = story()
    const log = new ChangeLog()
    expect(log.update(doc)).toBe(7)
    expect(log.update(doc)).toBe(0)
    const seen = new Set<string>()
    for (const change of log.changes) {
      for (const dep of change.deps) expect(seen.has(dep)).toBe(true)
      seen.add(change.hash)
    }
    expect(log.changes[0].time).toBe(T0 * 1000)
    doc = edit(doc, DEVICE.budi, 41, rename("Air 7"))
    expect(log.update(doc)).toBe(1)
    expect(log.changes).toHaveLength(8)
    expect(log.indexOf(A.getHeads(doc)[0])).toBe(7)
  })
})

describe("sessions", () => {
  it("splits by device when nothing is attested, and by pauses of 15 minutes", () => {
    const sessions = sessionsOf(story())
    expect(sessions.map((s) => [s.author.key, changeCount(s)])).toEqual([
      [`actor:${DEVICE.ayu}`, 3],
      [`actor:${DEVICE.budi}`, 2],
      [`actor:${DEVICE.ayu}`, 1],
      [`actor:${DEVICE.ayu}`, 1],
    ])
    expect(sessions.every((s) => !s.author.attested)).toBe(true)
    expect(sessions[0].start).toBe(T0 * 1000)
    expect(sessions[0].end).toBe((T0 + 120) * 1000)
    expect(sessions[0].headsBefore).toEqual([])
  })

  it("chains heads: each session starts where the previous one ended", () => {
    const doc = story()
    const sessions = sessionsOf(doc)
    for (let i = 1; i < sessions.length; i++) expect(sessions[i].headsBefore).toEqual(sessions[i - 1].headsAfter)
    expect(sessions[sessions.length - 1].headsAfter).toEqual(A.getHeads(doc))
    expect(A.view(doc, [...sessions[1].headsAfter]).name.toString()).toBe("Air 4")
  })

  it("groups by the attested person and organisation, whatever device they used", () => {
    let doc = created(newCharter("Air", "en"), DEVICE.ayu)
    doc = edit(doc, DEVICE.ayu, 1, rename("A"))
    doc = edit(doc, DEVICE.ayuPhone, 2, rename("B"))
    doc = edit(doc, DEVICE.ayuPhone, 3, rename("C"))
    const log = new ChangeLog()
    log.update(doc)
    const [first, second, third, fourth] = log.changes.map((c) => c.hash)
    const attestations = new Map([
      [second, attested("Ayu", "Yayasan Air", 1)],
      [third, attested("Ayu", "Yayasan Air", 2)],
      [fourth, attested("Ayu", "Kota Sukamaju", 3)],
    ])
    const sessions = sessionsOf(doc, attestations)
    expect(sessions.map((s) => changeCount(s))).toEqual([1, 2, 1])
    expect(sessions[0].id).toBe(first)
    expect(sessions[0].author).toEqual({ attested: false, key: `actor:${DEVICE.ayu}`, actor: DEVICE.ayu })
    expect(sessions[1].author).toMatchObject({ attested: true, name: "Ayu", organisation: "Yayasan Air" })
    expect(sessions[2].author).toMatchObject({ attested: true, name: "Ayu", organisation: "Kota Sukamaju" })
  })

  it("uses the server's time, not the device's, for attested changes", () => {
    let doc = created(newCharter("Air", "en"), DEVICE.ayu)
    doc = edit(doc, DEVICE.ayu, 1, rename("A"))
    doc = edit(doc, DEVICE.ayu, 2, rename("B"))
    const log = new ChangeLog()
    log.update(doc)
    const [, second, third] = log.changes.map((c) => c.hash)
    // The device claims two minutes apart; the server received them an hour apart.
    const sessions = sessionsOf(doc, new Map([[second, attested("Ayu", "Yayasan Air", 1)], [third, attested("Ayu", "Yayasan Air", 61)]]))
    expect(sessions.map((s) => changeCount(s))).toEqual([1, 1, 1])
    expect(sessions[2].start).toBe((T0 + 61 * 60) * 1000)
  })

  it("extends incrementally and rebuilds from the first change whose attestation changed", () => {
    let doc = story()
    const log = new ChangeLog()
    log.update(doc)
    const builder = new SessionBuilder()
    const indexOf = (h: string) => log.indexOf(h)
    const before = builder.update(log.changes, new Map(), indexOf)
    expect(before).toHaveLength(4)

    doc = edit(doc, DEVICE.ayu, 41, rename("Air 7"))
    log.update(doc)
    const extended = builder.update(log.changes, new Map(), indexOf)
    expect(extended).toHaveLength(4)
    expect(changeCount(extended[3])).toBe(2)
    expect(before[3].last).toBe(6) // earlier results are left as they were

    const attestations = new Map(log.changes.slice(3).map((c, i) => [c.hash, attested("Budi", "Kota", 3 + i)]))
    const rebuilt = builder.update(log.changes, attestations, indexOf)
    expect(rebuilt).toEqual(sessionsOf(doc, attestations))
    expect(rebuilt.map((s) => changeCount(s))).toEqual([3, 5])
  })

  it("finds the first change whose attestation differs", () => {
    const index = new Map([["a", 0], ["b", 1], ["c", 2]])
    const indexOf = (h: string) => index.get(h)
    const one = new Map([["b", attested("Ayu", "X", 1)]])
    expect(firstDifference(one, one, indexOf)).toBeNull()
    expect(firstDifference(one, new Map([...one, ["c", attested("Ayu", "X", 2)]]), indexOf)).toBe(2)
    expect(firstDifference(one, new Map([["b", attested("Ayu", "Y", 1)]]), indexOf)).toBe(1)
    expect(firstDifference(one, new Map(), indexOf)).toBe(1)
    expect(firstDifference(new Map(), new Map([["zzz", attested("Ayu", "X", 1)]]), indexOf)).toBeNull()
  })
})
