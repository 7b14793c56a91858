import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import type { CharterDocument, Goal } from "../generated/model"
import { newCharter, newGoal, newIndicator } from "../model/create"
import { num, scalar, str } from "../model/values"
import { newFeedback, newMeasurement } from "./create"
import {
  addFeedback,
  addGoal,
  addIndicator,
  addMeasurement,
  deleteFeedback,
  deleteGoal,
  deleteIndicator,
  deleteMeasurement,
  findGoal,
  findIndicator,
  moveGoal,
  ownerIds,
  setGoalStatus,
  setGoalTitle,
  setOwner,
  setSmartText,
  setTimeBound,
  updateIndicator,
} from "./edit"

type Doc = A.Doc<CharterDocument>

/** A charter with three goals, the first with an indicator and a description. */
function charter(): { doc: Doc; ids: string[]; indicatorId: string } {
  const goals = [newGoal("Cut PM2.5"), newGoal("Sensor network"), newGoal("Reach households")]
  const indicator = newIndicator("PM2.5 annual mean", "µg/m³")
  goals[0].indicators.push(indicator)
  goals[0].description = "Bring the annual mean down."
  const doc = A.from(newCharter("Clean Air Bandung", "en"))
  const filled = A.change(doc, (d) => goals.forEach((g) => addGoal(d, g)))
  return { doc: filled, ids: goals.map((g) => str(g.id)), indicatorId: str(indicator.id) }
}

const titles = (doc: Doc) => doc.goals.map((g: Goal) => str(g.title))

describe("goal fields", () => {
  it("writes plain fields as scalar strings, as the Rust model does", () => {
    const { doc, ids } = charter()
    const next = A.change(doc, (d) => {
      setGoalTitle(d, ids[1], "Build a sensor network")
      setGoalStatus(d, ids[1], "achieved")
      setSmartText(d, ids[1], "specific", "120 sensors")
      setTimeBound(d, ids[1], "2025-12-31")
    })
    const goal = findGoal(next, ids[1])!
    expect(goal.title).toBeInstanceOf(A.ImmutableString)
    expect(str(goal.title)).toBe("Build a sensor network")
    expect(str(goal.status)).toBe("achieved")
    expect(goal.smart.specific).toBeInstanceOf(A.ImmutableString)
    expect(str(goal.smart.specific)).toBe("120 sensors")
    expect(str(goal.smart.timeBound)).toBe("2025-12-31")
    const cleared = A.change(next, (d) => setTimeBound(d, ids[1], null))
    expect(findGoal(cleared, ids[1])!.smart.timeBound).toBeNull()
  })

  it("ignores edits of a goal someone deleted", () => {
    const { doc, ids } = charter()
    const gone = A.change(doc, (d) => deleteGoal(d, ids[2]))
    const after = A.change(gone, (d) => setGoalTitle(d, ids[2], "Reach 20,000 households"))
    expect(titles(after)).toEqual(["Cut PM2.5", "Sensor network"])
  })
})

describe("owners", () => {
  it("is a set: adding twice lists the partner once, removing takes it out", () => {
    const { doc, ids } = charter()
    const twice = A.change(doc, (d) => {
      setOwner(d, ids[0], "dlh", true)
      setOwner(d, ids[0], "dlh", true)
      setOwner(d, ids[0], "campus", true)
    })
    expect(findGoal(twice, ids[0])!.ownerIds.map(str)).toEqual(["dlh", "campus"])
    const removed = A.change(twice, (d) => setOwner(d, ids[0], "dlh", false))
    expect(findGoal(removed, ids[0])!.ownerIds.map(str)).toEqual(["campus"])
  })

  it("reads concurrent additions of the same owner once, and tidies them on the next edit", () => {
    const { doc, ids } = charter()
    const a = A.change(A.clone(doc), (d) => setOwner(d, ids[0], "dlh", true))
    const b = A.change(A.clone(doc), (d) => setOwner(d, ids[0], "dlh", true))
    const merged = A.merge(a, b)
    expect(findGoal(merged, ids[0])!.ownerIds).toHaveLength(2)
    expect(ownerIds(findGoal(merged, ids[0])!)).toEqual(["dlh"])
    const tidied = A.change(A.clone(merged), (d) => setOwner(d, ids[0], "dlh", true))
    expect(findGoal(tidied, ids[0])!.ownerIds.map(str)).toEqual(["dlh"])
    const removed = A.change(A.clone(merged), (d) => setOwner(d, ids[0], "dlh", false))
    expect(findGoal(removed, ids[0])!.ownerIds).toEqual([])
  })
})

describe("ordering", () => {
  it("moves a goal up and down, keeping its indicators and its description as text", () => {
    const { doc, ids, indicatorId } = charter()
    const down = A.change(doc, (d) => moveGoal(d, ids[0], 1))
    expect(titles(down)).toEqual(["Sensor network", "Cut PM2.5", "Reach households"])
    const moved = findGoal(down, ids[0])!
    expect(moved.description).toBe("Bring the annual mean down.")
    expect(str(findIndicator(down, ids[0], indicatorId)?.name)).toBe("PM2.5 annual mean")
    expect(moved.title).toBeInstanceOf(A.ImmutableString)
    // The description is still collaborative text: it takes a splice.
    const typed = A.change(down, (d) => A.splice(d, ["goals", 1, "description"], 0, 0, "By 2026: "))
    expect(findGoal(typed, ids[0])!.description).toBe("By 2026: Bring the annual mean down.")
    const up = A.change(typed, (d) => moveGoal(d, ids[2], -1))
    expect(titles(up)).toEqual(["Sensor network", "Reach households", "Cut PM2.5"])
  })

  it("does not move past either end", () => {
    const { doc, ids } = charter()
    const results: boolean[] = []
    const same = A.change(doc, (d) => {
      results.push(moveGoal(d, ids[0], -1), moveGoal(d, ids[2], 1), moveGoal(d, "gone", 1))
    })
    expect(results).toEqual([false, false, false])
    expect(titles(same)).toEqual(titles(doc))
    let moved = false
    A.change(doc, (d) => {
      moved = moveGoal(d, ids[1], 1)
    })
    expect(moved).toBe(true)
  })
})

describe("deleting a goal", () => {
  it("removes the goal and the role assignments for it", () => {
    const { doc, ids } = charter()
    const withRoles = A.change(doc, (d) => {
      const role = (id: string, goalId: string | null) => ({
        id: scalar(id),
        goalId: goalId === null ? null : scalar(goalId),
        partnerId: scalar("dlh"),
        raci: scalar("accountable"),
        description: scalar(""),
      })
      d.roles.push(role("r1", ids[0]), role("r2", ids[1]), role("r3", null))
    })
    const after = A.change(withRoles, (d) => deleteGoal(d, ids[0]))
    expect(titles(after)).toEqual(["Sensor network", "Reach households"])
    expect(after.roles.map((r) => str(r.id))).toEqual(["r2", "r3"])
  })
})

describe("indicators, measurements and feedback", () => {
  it("adds, edits and deletes them by id, wherever the goal has moved to", () => {
    const { doc, ids, indicatorId } = charter()
    // Someone else moved the goal meanwhile: edits still find it by id.
    const moved = A.change(doc, (d) => moveGoal(d, ids[0], 1))
    const m = newMeasurement("2025-12-31", 37.2, "DLH reference stations", "Rainy season")
    const f = newFeedback("2025-11-05", "Karang Taruna, RW 03", "We want to see the map ourselves.")
    const added = A.change(moved, (d) => {
      updateIndicator(d, ids[0], indicatorId, { baseline: 41.2, target: 30, targetDate: "2026-12-31" })
      addMeasurement(d, ids[0], indicatorId, m)
      addFeedback(d, ids[0], indicatorId, f)
    })
    const indicator = findIndicator(added, ids[0], indicatorId)!
    expect([num(indicator.baseline), num(indicator.target), str(indicator.targetDate)]).toEqual([41.2, 30, "2026-12-31"])
    expect(indicator.measurements.map((x) => [str(x.date), num(x.value), str(x.source), str(x.note)])).toEqual([
      ["2025-12-31", 37.2, "DLH reference stations", "Rainy season"],
    ])
    expect(indicator.feedback.map((x) => str(x.text))).toEqual(["We want to see the map ourselves."])

    const cleared = A.change(added, (d) => {
      updateIndicator(d, ids[0], indicatorId, { baseline: null, name: "PM2.5 (rolling 12 months)" })
      deleteMeasurement(d, ids[0], indicatorId, str(m.id))
      deleteFeedback(d, ids[0], indicatorId, str(f.id))
    })
    const after = findIndicator(cleared, ids[0], indicatorId)!
    expect(after.baseline).toBeNull()
    expect(num(after.target)).toBe(30)
    expect(str(after.name)).toBe("PM2.5 (rolling 12 months)")
    expect(after.measurements).toEqual([])
    expect(after.feedback).toEqual([])
  })

  it("adds a second indicator and deletes the first", () => {
    const { doc, ids, indicatorId } = charter()
    const second = newIndicator("Fleet vehicles passing the emission test", "%")
    const next = A.change(doc, (d) => {
      addIndicator(d, ids[0], second)
      deleteIndicator(d, ids[0], indicatorId)
    })
    expect(findGoal(next, ids[0])!.indicators.map((i) => str(i.id))).toEqual([str(second.id)])
  })
})
