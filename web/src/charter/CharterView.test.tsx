import { Repo, type DocHandle } from "@automerge/automerge-repo"
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/preact"
import { afterEach, describe, expect, it } from "vitest"

import { PartnershipContext, type AppServices } from "../app/context"
import type { CharterDocument } from "../generated/model"
import { useDoc } from "../model/handles"
import { str } from "../model/values"
import { CharterView } from "./CharterView"
import { testCharter } from "./testCharter"

afterEach(cleanup)

function Harness({ repo, handle }: { repo: Repo; handle: DocHandle<CharterDocument> }) {
  const charter = useDoc(handle)
  const partnership = { services: {} as AppServices, repo, charterHandle: handle, charter, presence: undefined }
  return (
    <PartnershipContext.Provider value={partnership}>
      <CharterView />
    </PartnershipContext.Provider>
  )
}

async function open() {
  const repo = new Repo({ network: [] })
  const { doc } = testCharter()
  const handle = repo.create<CharterDocument>()
  handle.update(() => doc)
  await act(async () => void render(<Harness repo={repo} handle={handle} />))
  return handle
}

/** The select of a RACI cell by partner and row names. */
const cell = (partner: string, row: string) => screen.getByLabelText(`Part of ${partner} in: ${row}`) as HTMLSelectElement

describe("CharterView", () => {
  it("shows the charter's parts in order, each a section named by its heading", async () => {
    await open()
    const headings = screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent)
    expect(headings).toEqual([
      "Partnership",
      "Purpose and vision",
      "Principles",
      "Partners",
      "Roles and responsibilities",
      "Communication plan",
      "Challenges and risks",
      "Resources and sustainability",
    ])
    expect(screen.getAllByRole("region").length).toBeGreaterThanOrEqual(8)
    expect((screen.getByTestId("charter-name") as HTMLInputElement).value).toBe("Clean Air")
    expect(screen.getAllByTestId("partner")).toHaveLength(3)
    expect(screen.getAllByTestId("raci-cell")).toHaveLength(3 * 3)
  })

  it("sets, changes and clears a partner's part in a goal", async () => {
    const handle = await open()
    const select = cell("Udara Kita Foundation", "Cleaner air at schools")
    expect(select.value).toBe("")
    await act(async () => void fireEvent.change(select, { target: { value: "informed" } }))
    const assigned = () => handle.doc().roles.filter((r) => str(r.goalId) === "g-schools" && str(r.partnerId) === "p-ngo")
    expect(assigned().map((r) => str(r.raci))).toEqual(["informed"])
    expect(cell("Udara Kita Foundation", "Cleaner air at schools").value).toBe("informed")

    await act(async () => void fireEvent.change(cell("Udara Kita Foundation", "Cleaner air at schools"), { target: { value: "" } }))
    expect(assigned()).toEqual([])
  })

  it("ticks and unticks partnership types", async () => {
    const handle = await open()
    await act(async () => void fireEvent.click(screen.getByLabelText("Advocacy")))
    expect(handle.doc().types.map(str)).toEqual(["advocacy"])
    await act(async () => void fireEvent.click(screen.getByLabelText("Advocacy")))
    expect(handle.doc().types).toEqual([])
  })

  it("asks before deleting a partner others refer to, then removes it and its references", async () => {
    const handle = await open()
    const card = screen.getAllByTestId("partner")[0]
    await act(async () => void fireEvent.click(within(card).getByTestId("partner-delete")))
    const confirm = within(card).getByRole("alertdialog")
    expect(confirm.textContent).toContain("responsibility matrix (2)")
    expect(handle.doc().partners).toHaveLength(3)

    await act(async () => void fireEvent.click(within(confirm).getByText("Delete the partner")))
    const doc = handle.doc()
    expect(doc.partners.map((p) => str(p.id))).toEqual(["p-ngo", "p-campus"])
    expect(doc.roles.some((r) => str(r.partnerId) === "p-city")).toBe(false)
    expect(screen.getAllByTestId("partner")).toHaveLength(2)
  })

  it("deletes an unreferenced partner at once", async () => {
    const handle = await open()
    await act(async () => void fireEvent.click(screen.getByTestId("add-partner")))
    expect(handle.doc().partners).toHaveLength(4)
    const added = screen.getAllByTestId("partner")[3]
    expect(document.activeElement).toBe(within(added).getByTestId("partner-name"))
    await act(async () => void fireEvent.click(within(added).getByTestId("partner-delete")))
    expect(handle.doc().partners).toHaveLength(3)
    expect(document.activeElement).toBe(screen.getByTestId("add-partner"))
  })

  it("shows a risk's level for its likelihood and impact", async () => {
    const handle = await open()
    const badge = screen.getByTestId("risk-level")
    expect(badge.getAttribute("aria-label")).toBe("Risk level: Medium (4 of 9; likelihood Medium × impact Medium)")
    await act(async () => void fireEvent.change(screen.getByTestId("risk-impact"), { target: { value: "high" } }))
    expect(str(handle.doc().risks[0].impact)).toBe("high")
    expect(screen.getByTestId("risk-level").getAttribute("data-score")).toBe("6")
  })
})
