// The Members tab against a real HTTP server answering like docs/api.md.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"

import { api, setApiBase, type Role } from "../app/api"
import { locale } from "../i18n"
import { MembersView } from "./MembersView"
import { ApiTestServer, TEST_PASSWORD } from "./testServer"

let server: ApiTestServer

/** Makes the page same-origin with `origin`, as the client is when Mitra serves it. */
function openPageAt(origin: string): void {
  ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`)
}

beforeEach(async () => {
  server = new ApiTestServer()
  server.addMember("ayu", "Ayu Lestari", "Yayasan Air", "owner", "setup")
  server.addMember("budi", "Budi Santoso", "Dinas Lingkungan Hidup", "editor")
  server.addMember("citra", "Citra Dewi", "SMA Negeri 3", "viewer")
  const origin = await server.start()
  openPageAt(origin)
  setApiBase(origin)
})

afterEach(async () => {
  cleanup()
  vi.unstubAllGlobals()
  locale.value = "en"
  await server.stop()
  setApiBase("")
})

/** Signs in as `username` (the session cookie is kept by the page) and shows the tab with `role`. */
async function openAs(username: string, role: Role) {
  await api.signIn(username, TEST_PASSWORD)
  render(<MembersView partnershipId={server.partnership} role={role} />)
  await screen.findAllByTestId("member-row")
}

const row = (username: string) =>
  screen.getAllByTestId("member-row").find((r) => r.dataset.username === username) as HTMLElement
const usernames = () => screen.getAllByTestId("member-row").map((r) => r.dataset.username)
const posted = (collection: string) =>
  server.seen.find((r) => r.method === "POST" && r.path.endsWith(`/${collection}`))?.body
const auditTexts = () => screen.getAllByTestId("audit-row").map((r) => r.textContent)

describe("MembersView for a member who is not an owner", () => {
  it("lists the members with organisation, role and joining date, and no owner controls", async () => {
    await openAs("citra", "viewer")
    expect(usernames()).toEqual(["ayu", "budi", "citra"])
    const budi = within(row("budi"))
    expect(budi.getByText("Budi Santoso")).toBeTruthy()
    expect(budi.getByText("Dinas Lingkungan Hidup")).toBeTruthy()
    expect(budi.getByText("Editor")).toBeTruthy()
    expect(row("budi").textContent).toMatch(/Mar 2025/)
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).toEqual([
      "Name",
      "Organisation",
      "Role",
      "Joined",
    ])
    for (const id of ["member-role", "member-remove", "invite-create", "token-create", "audit-log"]) {
      expect(screen.queryByTestId(id), id).toBeNull()
    }
    expect(server.seen.map((r) => r.path)).not.toContain(`/api/partnerships/${server.partnership}/audit`)
  })

  it("speaks Indonesian", async () => {
    locale.value = "id"
    await openAs("budi", "editor")
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Anggota")
    expect(within(row("citra")).getByText("Pembaca")).toBeTruthy()
  })
})

describe("MembersView for an owner", () => {
  it("changes a member's role and shows it in the audit log, newest first", async () => {
    await openAs("ayu", "owner")
    const select = within(row("budi")).getByTestId("member-role") as HTMLSelectElement
    expect(select.value).toBe("editor")
    expect(screen.getByLabelText("Role of Budi Santoso")).toBe(select)
    fireEvent.change(select, { target: { value: "viewer" } })
    await waitFor(() => expect(auditTexts()[0]).toContain("Budi Santoso: Editor → Viewer"))
    expect(server.roles.get("usr_budi")?.role).toBe("viewer")
    expect(auditTexts()[0]).toContain("Ayu Lestari")
    expect(auditTexts()[0]).toContain("Role changed")
    expect(auditTexts().at(-1)).toContain("Ayu Lestari as Owner, at setup")
    expect((within(row("budi")).getByTestId("member-role") as HTMLSelectElement).value).toBe("viewer")
  })

  it("shows the server's message when the last owner would be demoted, and keeps showing Owner", async () => {
    await openAs("ayu", "owner")
    const select = within(row("ayu")).getByTestId("member-role") as HTMLSelectElement
    fireEvent.change(select, { target: { value: "editor" } })
    const alert = await screen.findByRole("alert")
    expect(alert.textContent).toBe("a partnership needs at least one owner: make someone else owner first")
    await waitFor(() => expect(select.disabled).toBe(false))
    expect((within(row("ayu")).getByTestId("member-role") as HTMLSelectElement).value).toBe("owner")
    expect(server.roles.get("usr_ayu")?.role).toBe("owner")
  })

  it("asks before removing a member, in a dialog that holds and returns focus", async () => {
    await openAs("ayu", "owner")
    const remove = within(row("budi")).getByTestId("member-remove")
    expect(remove.getAttribute("aria-label")).toBe("Remove Budi Santoso")
    remove.focus()
    fireEvent.click(remove)
    const dialog = screen.getByRole("alertdialog")
    expect(dialog.getAttribute("aria-modal")).toBe("true")
    expect(dialog.textContent).toContain("Remove Budi Santoso from the partnership?")
    expect(dialog.textContent).toContain("connection closes within a second")
    expect(document.activeElement?.textContent).toBe("Cancel")

    fireEvent.keyDown(dialog, { key: "Escape" })
    expect(screen.queryByRole("alertdialog")).toBeNull()
    await waitFor(() => expect(document.activeElement).toBe(remove))
    expect(server.roles.has("usr_budi")).toBe(true)

    fireEvent.click(remove)
    fireEvent.click(screen.getByTestId("member-remove-confirm"))
    await waitFor(() => expect(usernames()).toEqual(["ayu", "citra"]))
    expect(screen.queryByRole("alertdialog")).toBeNull()
    expect(server.roles.has("usr_budi")).toBe(false)
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Members"))
    expect(auditTexts()[0]).toContain("Budi Santoso (was Editor)")
  })

  it("keeps the dialog open with the server's message when the removal is refused", async () => {
    await openAs("ayu", "owner")
    fireEvent.click(within(row("ayu")).getByTestId("member-remove"))
    fireEvent.click(screen.getByTestId("member-remove-confirm"))
    const dialog = screen.getByRole("alertdialog")
    await waitFor(() => expect(within(dialog).getByRole("alert").textContent).toContain("at least one owner"))
    await waitFor(() => expect((screen.getByTestId("member-remove-confirm") as HTMLButtonElement).disabled).toBe(false))
    expect(server.roles.has("usr_ayu")).toBe(true)
  })

  it("creates an invitation for the days chosen, shows its link once, and revokes it", async () => {
    await openAs("ayu", "owner")
    expect((screen.getByTestId("invite-days") as HTMLInputElement).value).toBe("7")
    fireEvent.change(screen.getByTestId("invite-role"), { target: { value: "viewer" } })
    fireEvent.input(screen.getByTestId("invite-days"), { target: { value: "3" } })
    fireEvent.click(screen.getByTestId("invite-create"))

    const link = await screen.findByTestId("invitation-link")
    expect(link.textContent).toMatch(new RegExp(`^${server.origin}/#/invite/minv_inv_\\d+_secret$`))
    expect(posted("invitations")).toEqual({ role: "viewer", expires_in_hours: 72 })
    await waitFor(() => expect(screen.getAllByTestId("invitation-row")).toHaveLength(1))
    const invitation = screen.getByTestId("invitation-row")
    expect(invitation.textContent).toContain("Viewer")
    expect(invitation.textContent).toContain("Pending")

    fireEvent.click(screen.getByText("Done"))
    expect(screen.queryByTestId("invitation-link")).toBeNull()

    fireEvent.click(within(invitation).getByTestId("invitation-revoke"))
    await waitFor(() => expect(screen.getByTestId("invitation-row").textContent).toContain("Revoked"))
    expect(within(screen.getByTestId("invitation-row")).queryByTestId("invitation-revoke")).toBeNull()
    expect(auditTexts()[0]).toContain("Invitation revoked")
  })

  it("refuses a validity outside 1 to 30 days without asking the server", async () => {
    await openAs("ayu", "owner")
    const requests = server.seen.length
    const days = screen.getByTestId("invite-days")
    fireEvent.input(days, { target: { value: "31" } })
    fireEvent.click(screen.getByTestId("invite-create"))
    expect(screen.getByRole("alert").textContent).toBe("Enter a whole number of days from 1 to 30.")
    expect(days.getAttribute("aria-invalid")).toBe("true")
    expect(server.seen.length).toBe(requests)
  })

  it("copies the link to the clipboard, or selects it when the clipboard is not allowed", async () => {
    await openAs("ayu", "owner")
    fireEvent.click(screen.getByTestId("invite-create"))
    const link = await screen.findByTestId("invitation-link")
    const writes: string[] = []
    vi.stubGlobal("navigator", { clipboard: { writeText: async (text: string) => void writes.push(text) } })
    fireEvent.click(screen.getByRole("button", { name: "Copy" }))
    expect(await screen.findByText("Copied.")).toBeTruthy()
    expect(writes).toEqual([link.textContent])

    vi.stubGlobal("navigator", { clipboard: { writeText: () => Promise.reject(new Error("denied")) } })
    fireEvent.click(screen.getByRole("button", { name: "Copy" }))
    expect(await screen.findByText("Selected: press Ctrl+C (⌘C on a Mac) to copy.")).toBeTruthy()
    expect(window.getSelection()?.toString()).toBe(link.textContent)
  })

  it("disables the button while the request runs", async () => {
    await openAs("ayu", "owner")
    const create = screen.getByTestId("invite-create") as HTMLButtonElement
    const release = server.hold()
    fireEvent.click(create)
    await waitFor(() => expect(create.disabled).toBe(true))
    release()
    await screen.findByTestId("invitation-link")
    await waitFor(() => expect(create.disabled).toBe(false))
  })

  it("creates an API token, shows its secret once with how to connect, and revokes it", async () => {
    await openAs("ayu", "owner")
    fireEvent.click(screen.getByTestId("token-create"))
    expect(screen.getByRole("alert").textContent).toContain("Give the token a label")

    fireEvent.input(screen.getByTestId("token-label"), { target: { value: "Air quality sensor" } })
    fireEvent.change(screen.getByTestId("token-role"), { target: { value: "viewer" } })
    fireEvent.click(screen.getByTestId("token-create"))
    const secret = await screen.findByTestId("token-secret")
    expect(secret.textContent).toMatch(/^mtk_tok_\d+_secret$/)
    const created = screen.getByTestId("token-created")
    expect(created.textContent).toContain("it will not be shown again")
    expect(created.textContent).toContain(`ws://${new URL(server.origin).host}/sync?token=${secret.textContent}`)
    expect(posted("tokens")).toEqual({ label: "Air quality sensor", role: "viewer" })

    await waitFor(() => expect(screen.getAllByTestId("token-row")).toHaveLength(1))
    const token = screen.getByTestId("token-row")
    expect(token.textContent).toContain("Air quality sensor")
    expect(token.textContent).toContain("Active")
    expect(screen.getAllByTestId("audit-row")[0].textContent).toContain("“Air quality sensor” (Viewer)")

    fireEvent.click(within(token).getByTestId("token-revoke"))
    await waitFor(() => expect(screen.getByTestId("token-row").textContent).toContain("Revoked"))
    expect(server.tokens[0].revoked_at).not.toBeNull()
    expect(auditTexts()[0]).toContain("API token revoked")
  })

  it("offers the audit log as JSON and CSV downloads that the server answers", async () => {
    await openAs("ayu", "owner")
    const json = screen.getByTestId("audit-download-json") as HTMLAnchorElement
    const csv = screen.getByTestId("audit-download-csv") as HTMLAnchorElement
    expect(json.getAttribute("href")).toBe(`${server.origin}/api/partnerships/${server.partnership}/audit?format=json`)
    expect(json.hasAttribute("download")).toBe(true)
    expect(csv.hasAttribute("download")).toBe(true)
    const answer = await fetch(csv.href)
    expect(answer.status).toBe(200)
    expect((await answer.text()).split("\r\n")[0]).toBe("id,at,actor,partnership,kind,details")
    const table = screen.getByTestId("audit-log")
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Time", "Who", "What", "Details"])
  })
})

describe("MembersView without the server", () => {
  it("says the members list needs a connection, and loads when asked again", async () => {
    const origin = server.origin
    await api.signIn("ayu", TEST_PASSWORD)
    await server.stop()
    render(<MembersView partnershipId={server.partnership} role="owner" />)
    const alert = await screen.findByRole("alert")
    expect(alert.textContent).toBe(
      "The members list needs a connection to the server. It appears when you are back online.",
    )
    expect(screen.queryByTestId("member-row")).toBeNull()

    await server.start()
    setApiBase(server.origin)
    expect(server.origin).not.toBe(origin)
    openPageAt(server.origin)
    await api.signIn("ayu", TEST_PASSWORD)
    fireEvent.click(screen.getByText("Try again"))
    await waitFor(() => expect(usernames()).toEqual(["ayu", "budi", "citra"]))
  })

  it("shows the API's error when the session has ended", async () => {
    render(<MembersView partnershipId={server.partnership} role="owner" />)
    expect((await screen.findByRole("alert")).textContent).toBe("sign in first")
  })
})
