import { afterEach, describe, expect, it } from "vitest"

import { locale } from "../i18n"
import { AUDIT_KINDS, auditKindLabel, invitationStatusLabel, roleLabel, viaLabel } from "./labels"

afterEach(() => {
  locale.value = "en"
})

describe("labels", () => {
  it("names roles, states and kinds in both languages", () => {
    expect(roleLabel("owner")).toBe("Owner")
    expect(invitationStatusLabel("expired")).toBe("Expired")
    expect(auditKindLabel("role_changed")).toBe("Role changed")
    expect(viaLabel("invitation")).toBe("by invitation")
    locale.value = "id"
    expect(roleLabel("editor")).toBe("Penyunting")
    expect(invitationStatusLabel("revoked")).toBe("Dicabut")
    expect(auditKindLabel("member_removed")).toBe("Anggota dikeluarkan")
    expect(viaLabel("setup")).toBe("saat penyiapan")
  })

  it("gives every audit kind its own words in each language", () => {
    for (const language of ["en", "id"] as const) {
      locale.value = language
      const labels = AUDIT_KINDS.map((kind) => auditKindLabel(kind))
      expect(new Set(labels).size).toBe(AUDIT_KINDS.length)
      for (const [i, kind] of AUDIT_KINDS.entries()) expect(labels[i]).not.toBe(kind)
    }
  })

  it("shows values a newer server may send as they are", () => {
    expect(roleLabel("auditor")).toBe("auditor")
    expect(invitationStatusLabel("paused")).toBe("paused")
    expect(auditKindLabel("document_assigned")).toBe("document_assigned")
    expect(viaLabel("sso")).toBe("sso")
  })
})
