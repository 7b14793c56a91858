import { afterEach, describe, expect, it } from "vitest"

import type { Invitation } from "../app/api"
import { locale } from "../i18n"
import { event, member, token, user } from "./fixtures"
import { newestFirst, sortInvitations, sortMembers, sortTokens } from "./sort"

afterEach(() => {
  locale.value = "en"
})

function invitation(id: string, status: Invitation["status"], created_at: string): Invitation {
  return { id, role: "editor", created_by: "user:usr_a", created_at, expires_at: created_at, status }
}

describe("sorting", () => {
  it("lists owners first, then editors, viewers and unknown roles, each by name", () => {
    const members = [
      member(user("u1", "wayan", "Wayan Sudirta"), "viewer"),
      member(user("u2", "budi", "budi santoso"), "editor"),
      member(user("u3", "ayu", "Ayu Lestari"), "owner"),
      member(user("u4", "citra", "Citra Dewi"), "editor"),
      member(user("u5", "x", ""), "auditor" as never),
      member(user("u6", "dewi", "Dewi"), "owner"),
    ]
    expect(sortMembers(members).map((m) => m.user.username)).toEqual(["ayu", "dewi", "budi", "citra", "wayan", "x"])
  })

  it("lists pending invitations first, each group newest first", () => {
    const sorted = sortInvitations([
      invitation("old-used", "used", "2025-01-01T00:00:00Z"),
      invitation("old-pending", "pending", "2025-01-02T00:00:00Z"),
      invitation("new-revoked", "revoked", "2025-03-01T00:00:00Z"),
      invitation("new-pending", "pending", "2025-02-01T00:00:00Z"),
    ])
    expect(sorted.map((i) => i.id)).toEqual(["new-pending", "old-pending", "new-revoked", "old-used"])
  })

  it("lists active tokens first, each group newest first", () => {
    const sorted = sortTokens([
      token("t1", "old", "editor", "2025-01-01T00:00:00Z"),
      token("t2", "revoked", "viewer", "2025-05-01T00:00:00Z", "2025-06-01T00:00:00Z"),
      token("t3", "new", "viewer", "2025-04-01T00:00:00Z"),
    ])
    expect(sorted.map((t) => t.id)).toEqual(["t3", "t1", "t2"])
  })

  it("puts the newest audit event first, by time and then by position in the log", () => {
    const events = [
      event(1, "2025-01-01T10:00:00Z", "system", "partnership_created", {}),
      event(2, "2025-01-01T10:00:00Z", "system", "member_added", {}),
      event(3, "2025-01-02T18:00:00+07:00", "system", "role_changed", {}),
      event(4, "2025-01-02T12:00:00Z", "system", "token_created", {}),
    ]
    expect(newestFirst(events).map((e) => e.id)).toEqual([4, 3, 2, 1])
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4])
  })
})
