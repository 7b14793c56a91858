import { afterEach, describe, expect, it } from "vitest"

import { locale } from "../i18n"
import { actorLabel, auditRows, buildDirectory, genericDetails, parseActor, summariseDetails } from "./audit"
import { event, member, token, user } from "./fixtures"

afterEach(() => {
  locale.value = "en"
})

const ayu = user("usr_ayu", "ayu", "Ayu Lestari", "Yayasan Air")
const budi = user("usr_budi", "budi", "Budi Santoso", "Dinas Lingkungan Hidup")

/** A log like the server writes for: setup, an invitation Budi accepted, a token, Budi's removal. */
const log = [
  event(1, "2025-03-01T02:00:00Z", "user:usr_ayu", "setup_completed", { user: "usr_ayu", username: "ayu" }),
  event(2, "2025-03-01T02:00:00Z", "user:usr_ayu", "partnership_created", { name: "Kemitraan Air Bersih" }),
  event(3, "2025-03-01T02:00:00Z", "user:usr_ayu", "member_added", {
    user: "usr_ayu", username: "ayu", display_name: "Ayu Lestari", organisation: "Yayasan Air", role: "owner", via: "setup",
  }),
  event(4, "2025-03-02T03:00:00Z", "user:usr_ayu", "invitation_created", {
    invitation: "inv_1", role: "editor", expires_at: "2025-03-09T03:00:00Z",
  }),
  event(5, "2025-03-03T04:00:00Z", "user:usr_budi", "invitation_accepted", { invitation: "inv_1", user: "usr_budi", role: "editor" }),
  event(6, "2025-03-03T04:00:00Z", "user:usr_budi", "member_added", {
    user: "usr_budi", username: "budi", display_name: "Budi Santoso", organisation: "DLH", role: "editor", via: "invitation",
  }),
  event(7, "2025-03-04T05:00:00Z", "user:usr_ayu", "token_created", { token: "tok_1", role: "viewer", label: "sensor script" }),
  event(8, "2025-03-05T06:00:00Z", "user:usr_ayu", "role_changed", { user: "usr_budi", from: "editor", to: "viewer" }),
  event(9, "2025-03-06T07:00:00Z", "user:usr_ayu", "member_removed", { user: "usr_budi", role: "viewer" }),
  event(10, "2025-03-06T08:00:00Z", "token:tok_1", "invitation_revoked", { invitation: "inv_2" }),
  event(11, "2025-03-06T09:00:00Z", "system", "token_revoked", { token: "tok_1", role: "viewer", label: "sensor script" }),
]

describe("parseActor", () => {
  it("reads users, tokens and the system", () => {
    expect(parseActor("user:usr_1")).toEqual({ kind: "user", id: "usr_1" })
    expect(parseActor("token:tok_1")).toEqual({ kind: "token", id: "tok_1" })
    expect(parseActor("system")).toEqual({ kind: "system" })
    expect(parseActor("robot:7")).toEqual({ kind: "other", text: "robot:7" })
  })
})

describe("actorLabel", () => {
  it("names members by their display name and tokens by their label", () => {
    const directory = buildDirectory([member(ayu, "owner")], [token("tok_1", "sensor script", "viewer", "2025-03-04T05:00:00Z")], [])
    expect(actorLabel("user:usr_ayu", directory)).toBe("Ayu Lestari")
    expect(actorLabel("token:tok_1", directory)).toBe("Token “sensor script”")
    expect(actorLabel("system", directory)).toBe("System")
    locale.value = "id"
    expect(actorLabel("system", directory)).toBe("Sistem")
  })

  it("keeps former members' names and revoked tokens' labels from the log", () => {
    const directory = buildDirectory([member(ayu, "owner")], [], log)
    expect(actorLabel("user:usr_budi", directory)).toBe("Budi Santoso")
    expect(actorLabel("token:tok_1", directory)).toBe("Token “sensor script”")
  })

  it("says the id when nobody knows the name", () => {
    const directory = buildDirectory([], [], [])
    expect(actorLabel("user:usr_zz", directory)).toBe("User usr_zz")
    expect(actorLabel("token:tok_zz", directory)).toBe("Token tok_zz")
    expect(actorLabel("robot:7", directory)).toBe("robot:7")
  })

  it("prefers a member's current name to the one the log recorded", () => {
    const renamed = user("usr_budi", "budi", "Budi S.", "DLH")
    const directory = buildDirectory([member(renamed, "editor")], [], log)
    expect(actorLabel("user:usr_budi", directory)).toBe("Budi S.")
  })
})

describe("summariseDetails", () => {
  const directory = buildDirectory([member(ayu, "owner"), member(budi, "viewer")], [], log)
  const summary = (id: number) => summariseDetails(log[id - 1], directory)

  it("says each kind's details in words", () => {
    expect(summary(1)).toBe("first account: ayu")
    expect(summary(2)).toBe("“Kemitraan Air Bersih”")
    expect(summary(3)).toBe("Ayu Lestari as Owner, at setup")
    expect(summary(4)).toMatch(/^for a new Editor, valid until 9 Mar 2025$/)
    expect(summary(5)).toBe("Budi Santoso joined as Editor")
    expect(summary(6)).toBe("Budi Santoso as Editor, by invitation")
    expect(summary(7)).toBe("“sensor script” (Viewer)")
    expect(summary(8)).toBe("Budi Santoso: Editor → Viewer")
    expect(summary(9)).toBe("Budi Santoso (was Viewer)")
    expect(summary(10)).toBe("invitation inv_2")
    expect(summary(11)).toBe("“sensor script” (Viewer)")
  })

  it("speaks Indonesian too", () => {
    locale.value = "id"
    expect(summary(8)).toBe("Budi Santoso: Penyunting → Pembaca")
    expect(summary(6)).toBe("Budi Santoso sebagai Penyunting, lewat undangan")
  })

  it("lists the details of an unknown kind, or of a known kind missing a field, as they are", () => {
    const unknown = event(20, "2025-03-07T00:00:00Z", "system", "document_assigned", { document: "2ZK", count: 2, tags: ["a"] })
    expect(summariseDetails(unknown, directory)).toBe('document: 2ZK, count: 2, tags: ["a"]')
    const partial = event(21, "2025-03-07T00:00:00Z", "system", "role_changed", { user: "usr_budi" })
    expect(summariseDetails(partial, directory)).toBe(genericDetails({ user: "usr_budi" }))
  })
})

describe("auditRows", () => {
  it("gives each event its time, who, what and details", () => {
    const directory = buildDirectory([member(ayu, "owner")], [], log)
    const rows = auditRows([log[9]], directory)
    expect(rows).toEqual([
      {
        id: 10,
        at: "2025-03-06T08:00:00Z",
        who: "Token “sensor script”",
        what: "Invitation revoked",
        details: "invitation inv_2",
      },
    ])
  })
})
