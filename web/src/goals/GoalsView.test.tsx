import { Repo, type DocHandle } from "@automerge/automerge-repo"
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact"
import { afterEach, describe, expect, it, vi } from "vitest"

import { PartnershipContext, type AppServices } from "../app/context"
import type { CharterDocument } from "../generated/model"
import { newCharter } from "../model/create"
import { useDoc } from "../model/handles"
import { num, scalar, str } from "../model/values"
import { GoalsView } from "./GoalsView"

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

/** The goals section of a new partnership with two partners, as the app shows it. */
function open(): DocHandle<CharterDocument> {
  const repo = new Repo()
  const charter = newCharter("Clean Air Sukamaju", "en")
  for (const [id, name] of [["p-dlh", "City Environment Agency"], ["p-ngo", "Udara Kita Foundation"]]) {
    charter.partners.push({ id: scalar(id), name: scalar(name), sector: scalar("government"), contributions: [], representatives: [] })
  }
  const handle = repo.create(charter)
  function Harness() {
    const doc = useDoc(handle)
    const value = { services: {} as AppServices, repo, charterHandle: handle, charter: doc, presence: undefined }
    return (
      <PartnershipContext.Provider value={value}>
        <GoalsView />
      </PartnershipContext.Provider>
    )
  }
  render(<Harness />)
  return handle
}

function addGoal(title: string) {
  fireEvent.input(screen.getByTestId("new-goal-title"), { target: { value: title } })
  fireEvent.click(screen.getByTestId("add-goal"))
}

const goalCards = () => screen.queryAllByTestId("goal")

describe("GoalsView", () => {
  it("adds goals, edits their status and owners, and reorders them", async () => {
    const handle = open()
    expect(screen.getByTestId("no-goals")).toBeTruthy()
    addGoal("Cut PM2.5 by a quarter")
    addGoal("Reach 20,000 households")
    await waitFor(() => expect(goalCards()).toHaveLength(2))
    expect(handle.doc().goals.map((g) => str(g.title))).toEqual(["Cut PM2.5 by a quarter", "Reach 20,000 households"])

    const first = within(goalCards()[0])
    fireEvent.change(first.getByTestId("goal-status"), { target: { value: "inProgress" } })
    const owner = first.getAllByTestId("goal-owner").find((el) => el.dataset.partnerId === "p-ngo")!
    fireEvent.click(owner)
    await waitFor(() => expect(first.getByTestId("goal-owners").textContent).toBe("Owners: Udara Kita Foundation"))
    expect(str(handle.doc().goals[0].status)).toBe("inProgress")
    expect(first.getByTestId("goal-status-label").textContent).toBe("In progress")

    fireEvent.click(first.getByTestId("move-goal-down"))
    await waitFor(() => expect(goalCards()[1].querySelector("h3")?.textContent).toBe("Cut PM2.5 by a quarter"))
    expect(handle.doc().goals[1].ownerIds.map(str)).toEqual(["p-ngo"])
    expect(screen.getByRole("status").textContent).toBe("“Cut PM2.5 by a quarter” is now goal 2 of 2")
  })

  it("adds an indicator and measurements, and shows the progress", async () => {
    const handle = open()
    addGoal("Reach 20,000 households")
    await waitFor(() => expect(goalCards()).toHaveLength(1))
    const goal = within(goalCards()[0])
    fireEvent.input(goal.getByTestId("new-indicator-name"), { target: { value: "Households reached" } })
    fireEvent.input(goal.getByTestId("new-indicator-unit"), { target: { value: "households" } })
    fireEvent.click(goal.getByTestId("add-indicator"))
    await waitFor(() => expect(goal.getAllByTestId("indicator")).toHaveLength(1))

    const indicator = within(goal.getByTestId("indicator"))
    fireEvent.input(indicator.getByTestId("indicator-baseline"), { target: { value: "0" } })
    fireEvent.change(indicator.getByTestId("indicator-baseline"))
    fireEvent.input(indicator.getByTestId("indicator-target"), { target: { value: "20000" } })
    fireEvent.change(indicator.getByTestId("indicator-target"))
    for (const [date, value] of [["2025-12-31", "11390"], ["2025-06-30", "5260"]]) {
      fireEvent.input(indicator.getByTestId("measurement-date"), { target: { value: date } })
      fireEvent.input(indicator.getByTestId("measurement-value"), { target: { value } })
      fireEvent.click(indicator.getByTestId("add-measurement"))
    }
    await waitFor(() => expect(indicator.getAllByTestId("measurement")).toHaveLength(2))
    // Newest first in the table; progress from the latest date.
    expect(indicator.getAllByTestId("measurement")[0].textContent).toContain("11,390")
    expect(indicator.getByTestId("indicator-progress").dataset.progress).toBe("0.5695")
    expect(goal.getByTestId("goal-progress").dataset.progress).toBe("0.5695")
    expect(indicator.getByTestId("indicator-chart").getAttribute("aria-label")).toBe(
      "Chart of Households reached. Latest: 11,390 households on 31 Dec 2025. Target: 20,000 households. 57% of the way from the baseline to the target.",
    )
    const stored = handle.doc().goals[0].indicators[0]
    expect([num(stored.baseline), num(stored.target), stored.measurements.length]).toEqual([0, 20000, 2])
  })

  it("deletes a goal only when the person confirms", async () => {
    const handle = open()
    addGoal("Train air cadres")
    await waitFor(() => expect(goalCards()).toHaveLength(1))
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true)
    vi.stubGlobal("confirm", confirm)
    fireEvent.click(within(goalCards()[0]).getByTestId("delete-goal"))
    expect(handle.doc().goals).toHaveLength(1)
    fireEvent.click(within(goalCards()[0]).getByTestId("delete-goal"))
    await waitFor(() => expect(goalCards()).toHaveLength(0))
    expect(confirm).toHaveBeenCalledTimes(2)
    expect(handle.doc().goals).toHaveLength(0)
  })
})
