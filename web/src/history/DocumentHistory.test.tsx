import * as A from "@automerge/automerge"
import { Repo, type DocHandle } from "@automerge/automerge-repo"
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"

import type { CharterDocument } from "../generated/model"
import { locale } from "../i18n"
import { newCharter, newGoal } from "../model/create"
import { scalar } from "../model/values"
import { DocumentHistory } from "./DocumentHistory"

beforeEach(() => {
  locale.value = "en"
})
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

/** A charter made on this device, with a goal added and renamed later. */
function charterHandle(): DocHandle<CharterDocument> {
  const repo = new Repo({ network: [] })
  const handle = repo.create<CharterDocument>(newCharter("Air Bersih", "en"))
  handle.change((d) => {
    d.goals.push(newGoal("Clean water for 5 villages"))
  })
  handle.change((d) => {
    d.goals[0].title = scalar("Clean water for 6 villages")
    A.updateText(d, ["purpose"], "Safe water for everyone.")
  })
  return handle
}

/** Serves `/api/me` as `me` and the document's history with the given changes attested. */
function serve(me: unknown, attested: Record<string, { name: string; organisation: string; at: string }> = {}) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL) => {
      const path = String(input)
      const body = path === "/api/me"
        ? me
        : {
            changes: Object.entries(attested).map(([hash, a]) => ({
              hash,
              at: a.at,
              user_id: `usr_${a.name}`,
              token_id: null,
              display_name: a.name,
              organisation: a.organisation,
            })),
          }
      return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } })
    }),
  )
}

/** The hashes of the document's changes, oldest first. */
function hashes(handle: DocHandle<unknown>): string[] {
  return A.getChangesMetaSince(handle.doc(), []).map((c) => c.hash)
}

describe("DocumentHistory", () => {
  it("lists sessions by the attested person, with the fields they changed", async () => {
    const handle = charterHandle()
    const [, second, third] = hashes(handle as DocHandle<unknown>)
    serve(
      { auth: "required", user: {}, partnerships: [] },
      {
        [second]: { name: "Ayu Lestari", organisation: "Yayasan Air", at: "2025-03-04T09:00:00Z" },
        [third]: { name: "Budi Santoso", organisation: "Kota Sukamaju", at: "2025-03-04T09:05:00Z" },
      },
    )
    render(<DocumentHistory handle={handle as DocHandle<unknown>} kind="charter" />)
    await waitFor(() => expect(screen.getAllByTestId("history-session")).toHaveLength(3))
    const sessions = screen.getAllByTestId("history-session")
    expect(sessions.map((s) => s.dataset.person)).toEqual(["Budi Santoso", "Ayu Lestari", "This device"])
    expect(sessions[0].dataset.organisation).toBe("Kota Sukamaju")
    expect(within(sessions[2]).getByText("not attested")).toBeTruthy()
    expect(within(sessions[1]).queryByText("not attested")).toBeNull()

    // The newest session is open; the others open on request.
    const fields = within(sessions[0]).getAllByTestId("history-field").map((f) => f.textContent)
    expect(fields.sort()).toEqual(['Goal "Clean water for 6 villages" › title', "Purpose"])
    fireEvent.click(within(sessions[1]).getByRole("button", { name: "Show what changed" }))
    expect(within(sessions[1]).getByTestId("history-field").textContent).toBe('Goal "Clean water for 5 villages" added')
  })

  it("shows the document as it was after a session, and goes back to now", async () => {
    const handle = charterHandle()
    serve({ auth: "open" })
    render(<DocumentHistory handle={handle as DocHandle<unknown>} kind="charter" />)
    await waitFor(() => expect(screen.getByTestId("history-notice").dataset.state).toBe("open"))
    const sessions = await screen.findAllByTestId("history-session")
    // One device, minutes apart: one session.
    expect(sessions).toHaveLength(1)

    handle.change((d) => {
      d.name = scalar("Air Bersih Sukamaju")
    })
    fireEvent.click(within(sessions[0]).getByTestId("history-view-as-it-was"))
    const snapshot = await screen.findByTestId("history-snapshot")
    expect(snapshot.textContent).toContain("Viewing the charter as it was on")
    expect(snapshot.textContent).toContain("changes by This device")
    expect(within(snapshot).getByTestId("history-snapshot-name").textContent).toBe("Air Bersih")
    expect(within(snapshot).getByTestId("history-snapshot-goal").textContent).toContain("Clean water for 6 villages")
    expect(within(snapshot).getByText("Safe water for everyone.")).toBeTruthy()
    expect(document.activeElement?.id).toBe("history-snapshot-title")

    fireEvent.click(screen.getByTestId("history-back"))
    await waitFor(() => expect(screen.queryByTestId("history-snapshot")).toBeNull())
    expect(document.activeElement?.getAttribute("data-testid")).toBe("history-view-as-it-was")
    expect(handle.doc().name.toString()).toBe("Air Bersih Sukamaju")
  })
})
