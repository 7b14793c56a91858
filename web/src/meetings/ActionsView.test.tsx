import { Repo, type StorageId } from "@automerge/automerge-repo"
import { signal } from "@preact/signals"
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact"
import { afterEach, describe, expect, it } from "vitest"

import { PartnershipContext, type Partnership } from "../app/context"
import { PendingTracker } from "../app/pending"
import type { CharterDocument, MeetingDocument } from "../generated/model"
import { newAction, newCharter, newMeeting } from "../model/create"
import { scalar, str } from "../model/values"
import { ActionsView } from "./ActionsView"
import { addItem } from "./edit"
import { newMeetingLink } from "./items"
import { addMeetingLink } from "./links"

afterEach(cleanup)

function setUp() {
  const repo = new Repo({ network: [] })
  const charterHandle = repo.create<CharterDocument>(newCharter("Clean air", "en"))
  charterHandle.change((d) => {
    d.partners.push({ id: scalar("ngo"), name: scalar("Udara Kita Foundation"), sector: scalar("nonprofit"), contributions: [], representatives: [] })
  })
  const meeting = repo.create<MeetingDocument>(newMeeting("Year-end review", "2025-12-09T13:00:00+07:00", "Asia/Jakarta", charterHandle.url))
  meeting.change((d) => {
    const report = newAction("Funder report")
    report.ownerPartnerId = scalar("ngo")
    report.due = scalar("2000-01-16")
    addItem(d, "actions", report)
    const done = newAction("Already done")
    done.status = scalar("done")
    addItem(d, "actions", done)
    addItem(d, "actions", newAction("Undated"))
  })
  charterHandle.change((d) => {
    addMeetingLink(d, newMeetingLink(meeting.url, "Year-end review", "2025-12-09T13:00:00+07:00"))
    // A meeting no peer has: its actions are missing, the others still show.
    addMeetingLink(d, newMeetingLink("automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ", "Lost meeting", "2025-09-16T09:30:00+07:00"))
  })
  const services = { repo, connection: signal("connected" as const), serverStorageId: signal<StorageId | undefined>(undefined), pending: new PendingTracker(signal(undefined)) }
  const partnership: Partnership = { services, repo, charterHandle, charter: charterHandle.doc(), presence: undefined }
  render(
    <PartnershipContext.Provider value={partnership}>
      <ActionsView />
    </PartnershipContext.Provider>,
  )
  return { meeting }
}

describe("ActionsView", () => {
  it("lists the open actions of the meetings, overdue first marked, and writes status changes into the meeting", async () => {
    const { meeting } = setUp()
    const rows = await screen.findAllByTestId("open-action")
    expect(rows.map((r) => within(r).getByText(/Funder report|Undated/).textContent)).toEqual(["Funder report", "Undated"])
    expect(within(rows[0]).getByText("overdue")).toBeTruthy()
    expect(within(rows[0]).getByText("Udara Kita Foundation")).toBeTruthy()
    expect(within(rows[0]).getByRole("link", { name: "Year-end review" })).toBeTruthy()
    await waitFor(() => expect(screen.getByTestId("actions-unavailable").textContent).toContain("Lost meeting"))

    const status = within(rows[0]).getByLabelText("Status") as HTMLSelectElement
    status.value = "done"
    fireEvent.change(status)
    expect(str(meeting.doc().actions[0].status)).toBe("done")
    await waitFor(() => expect(screen.getAllByTestId("open-action")).toHaveLength(1))
  })

  it("filters by owner", async () => {
    setUp()
    await screen.findAllByTestId("open-action")
    const owner = screen.getByLabelText("Owner") as HTMLSelectElement
    owner.value = "ngo"
    fireEvent.change(owner)
    await waitFor(() => expect(screen.getAllByTestId("open-action")).toHaveLength(1))
    expect(screen.getByTestId("open-actions-count").textContent).toBe("1 of 2 open action items shown")
  })
})
