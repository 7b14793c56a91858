// The account pages against a real HTTP server answering like docs/api.md.
import { generateAutomergeUrl } from "@automerge/automerge-repo"
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"

import { setApiBase, type Me } from "../app/api"
import { documentId } from "../app/route"
import { cachedAnswer, showSession } from "../app/session"
import { deviceStore } from "../app/storage"
import { TestApiServer } from "../app/testApiServer"
import { InvitePage } from "./InvitePage"
import { SignInPage } from "./SignInPage"

const CHARTER = documentId(generateAutomergeUrl())
const ME: Me = {
  auth: "required",
  user: { id: "usr_ayu", username: "ayu", display_name: "Ayu Lestari", organisation: "Yayasan Air", created_at: "2026-01-05T03:00:00Z" },
  partnerships: [{ id: "prt_1", name: "Kemitraan Air Bersih", charter: CHARTER, role: "editor" }],
}
const OFFER = {
  partnership: { id: "prt_1", name: "Kemitraan Air Bersih" },
  role: "editor",
  expires_at: "2030-01-01T00:00:00Z",
  status: "pending",
}

let server: TestApiServer
let reload: ReturnType<typeof vi.fn<() => void>>

beforeEach(async () => {
  server = await TestApiServer.start()
  // Same origin as the API, as when Mitra serves the client.
  ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.origin}/#/`)
  reload = vi.fn<() => void>()
  vi.spyOn(window.location, "reload").mockImplementation(reload)
  localStorage.clear()
  showSession({ state: "signed-out", setupNeeded: false })
})

afterEach(async () => {
  cleanup()
  vi.restoreAllMocks()
  setApiBase("")
  await server.stop()
})

const type = (testId: string, value: string) => fireEvent.input(screen.getByTestId(testId), { target: { value } })

describe("SignInPage", () => {
  it("says when the username or password is wrong", async () => {
    server.on("POST /api/session", { status: 401, body: { error: "invalid_credentials", message: "no" } })
    render(<SignInPage next="#/" />)
    type("signin-username", "ayu")
    type("signin-password", "wrong-password")
    fireEvent.click(screen.getByTestId("signin-submit"))
    expect((await screen.findByRole("alert")).textContent).toBe("Wrong username or password.")
    expect(reload).not.toHaveBeenCalled()
  })

  it("signs in, remembers the account and loads the page the person was going to", async () => {
    server.on("POST /api/session", { status: 200, body: ME })
    render(<SignInPage next={`#/p/${CHARTER}/goals`} />)
    type("signin-username", " ayu ")
    type("signin-password", "correct horse")
    fireEvent.click(screen.getByTestId("signin-submit"))
    await waitFor(() => expect(reload).toHaveBeenCalled())
    expect(server.received.at(-1)?.body).toEqual({ username: "ayu", password: "correct horse" })
    expect(location.hash).toBe(`#/p/${CHARTER}/goals`)
    expect(cachedAnswer(deviceStore())).toEqual(ME)
  })
})

describe("InvitePage", () => {
  it("shows what the invitation offers and says clearly when it was used", async () => {
    server.on("POST /api/invitations/inspect", { status: 200, body: { ...OFFER, status: "used" } })
    render(<InvitePage secret="mitra_inv_1" />)
    expect((await screen.findByRole("heading", { level: 1 })).textContent).toBe("Invitation to join Kemitraan Air Bersih")
    expect(screen.getByTestId("invite-role").textContent).toBe("Editor")
    expect(screen.getByTestId("invite-status").textContent).toMatch(/already been used/)
    expect(screen.queryByTestId("invite-submit")).toBeNull()
    expect(server.received[0]?.body).toEqual({ invitation: "mitra_inv_1" })
  })

  it("says when the link is not an invitation", async () => {
    server.on("POST /api/invitations/inspect", { status: 404, body: { error: "not_found", message: "no" } })
    render(<InvitePage secret="mitra_inv_nope" />)
    expect((await screen.findByTestId("invite-error")).textContent).toMatch(/not valid/)
  })

  it("creates an account that joins, then opens the partnership", async () => {
    server
      .on("POST /api/invitations/inspect", { status: 200, body: OFFER })
      .on("POST /api/invitations/accept", { status: 200, body: ME })
    render(<InvitePage secret="mitra_inv_1" />)
    await screen.findByTestId("invite-username")
    type("invite-username", "ayu")
    type("invite-password", "short")
    fireEvent.click(screen.getByTestId("invite-submit"))
    expect((await screen.findByRole("alert")).textContent).toMatch(/at least 8 characters/)
    type("invite-password", "long enough")
    type("invite-name", " Ayu Lestari ")
    type("invite-organisation", "Yayasan Air")
    fireEvent.click(screen.getByTestId("invite-submit"))
    await waitFor(() => expect(reload).toHaveBeenCalled())
    expect(server.received.at(-1)).toMatchObject({
      path: "/api/invitations/accept",
      body: {
        invitation: "mitra_inv_1",
        account: { username: "ayu", password: "long enough", display_name: "Ayu Lestari", organisation: "Yayasan Air" },
      },
    })
    expect(location.hash).toBe(`#/p/${CHARTER}/charter`)
  })

  it("signs in with an existing account, then joins", async () => {
    server
      .on("POST /api/invitations/inspect", { status: 200, body: OFFER })
      .on("POST /api/session", { status: 200, body: { ...ME, partnerships: [] } })
      .on("POST /api/invitations/accept", { status: 200, body: ME })
    render(<InvitePage secret="mitra_inv_1" />)
    fireEvent.click(await screen.findByTestId("invite-have-account"))
    type("signin-username", "ayu")
    type("signin-password", "long enough")
    fireEvent.click(screen.getByTestId("signin-submit"))
    await waitFor(() => expect(reload).toHaveBeenCalled())
    expect(server.received.map((r) => r.path)).toEqual([
      "/api/invitations/inspect",
      "/api/session",
      "/api/invitations/accept",
    ])
    expect(server.received.at(-1)?.body).toEqual({ invitation: "mitra_inv_1" })
    expect(location.hash).toBe(`#/p/${CHARTER}/charter`)
  })

  it("opens the partnership for someone who is already a member", async () => {
    showSession({ state: "signed-in", me: ME, offline: false })
    server
      .on("POST /api/invitations/inspect", { status: 200, body: OFFER })
      .on("POST /api/invitations/accept", { status: 409, body: { error: "conflict", message: "already a member" } })
    render(<InvitePage secret="mitra_inv_1" />)
    fireEvent.click(await screen.findByTestId("invite-join"))
    await waitFor(() => expect(reload).toHaveBeenCalled())
    expect(location.hash).toBe(`#/p/${CHARTER}/charter`)
  })

  it("lets a signed-in person join, and says why it failed", async () => {
    showSession({ state: "signed-in", me: { ...ME, partnerships: [] }, offline: false })
    server
      .on("POST /api/invitations/inspect", { status: 200, body: OFFER })
      .on("POST /api/invitations/accept", { status: 410, body: { error: "invitation_expired", message: "expired" } })
    render(<InvitePage secret="mitra_inv_1" />)
    const join = await screen.findByTestId("invite-join")
    expect(join.textContent).toBe("Join as Ayu Lestari")
    fireEvent.click(join)
    expect((await screen.findByTestId("invite-error")).textContent).toMatch(/expired/)
    expect(reload).not.toHaveBeenCalled()
  })
})
