import { describe, expect, test } from "vitest"
import { generateAutomergeUrl } from "@automerge/automerge-repo"

import { documentId, linkTarget, parseRoute, routeHash, toUrl } from "./route"

describe("routes", () => {
  const charter = generateAutomergeUrl()
  const meeting = generateAutomergeUrl()

  test("a partnership link round-trips through the fragment", () => {
    for (const route of [
      { page: "partnership", charter, tab: "charter", meeting: null },
      { page: "partnership", charter, tab: "goals", meeting: null },
      { page: "partnership", charter, tab: "meetings", meeting },
      { page: "partnership", charter, tab: "actions", meeting: null },
      { page: "partnership", charter, tab: "members", meeting: null },
      { page: "start" },
      { page: "signin" },
      { page: "setup", secret: "mitra_set_Zk3-x_9" },
      { page: "invite", secret: "mitra_inv_a/b+c=" },
    ] as const) {
      expect(parseRoute(routeHash(route))).toEqual(route)
    }
  })

  test("unknown tabs open the charter, and anything else the start page", () => {
    expect(parseRoute(`#/p/${documentId(charter)}/nonsense`)).toEqual({
      page: "partnership",
      charter,
      tab: "charter",
      meeting: null,
    })
    expect(parseRoute(`#/p/${documentId(charter)}`)).toMatchObject({ tab: "charter" })
    expect(parseRoute("#/p/not-a-document")).toEqual({ page: "start" })
    expect(parseRoute("")).toEqual({ page: "start" })
    expect(parseRoute("#/elsewhere/x")).toEqual({ page: "start" })
  })

  test("a meeting only belongs to the meetings tab", () => {
    expect(parseRoute(`#/p/${documentId(charter)}/goals/${documentId(meeting)}`)).toMatchObject({ meeting: null })
  })

  test("toUrl takes an automerge URL or a bare id and refuses anything else", () => {
    expect(toUrl(charter)).toBe(charter)
    expect(toUrl(` ${documentId(charter)} `)).toBe(charter)
    expect(toUrl("automerge:nope")).toBeNull()
    expect(toUrl("")).toBeNull()
  })

  test("account pages: sign-in, setup and invitations carry their secret in the fragment", () => {
    expect(parseRoute("#/signin")).toEqual({ page: "signin" })
    expect(parseRoute("#/setup/mitra_set_abc")).toEqual({ page: "setup", secret: "mitra_set_abc" })
    expect(parseRoute("#/invite/mitra_inv_xyz")).toEqual({ page: "invite", secret: "mitra_inv_xyz" })
    expect(routeHash({ page: "invite", secret: "a/b" })).toBe("#/invite/a%2Fb")
    // Without a secret there is nothing to set up or accept.
    expect(parseRoute("#/setup")).toEqual({ page: "start" })
    expect(parseRoute("#/invite/")).toEqual({ page: "start" })
  })

  test("a part that is not valid percent-encoding leads to the start page instead of failing", () => {
    for (const hash of ["#/p/%", "#/setup/%E0%A4%A", "#/invite/%", `#/p/${documentId(charter)}/goals/%zz`]) {
      expect(parseRoute(hash)).toEqual({ page: "start" })
    }
    // Well-formed encoding still decodes (a complete multi-byte character).
    expect(parseRoute("#/setup/%E0%A4%A4")).toEqual({ page: "setup", secret: "\u0924" })
    expect(linkTarget("https://mitra.example.org/#/invite/%")).toBeNull()
  })

  test("a pasted link leads to its page: a Mitra link, an automerge URL or a document id", () => {
    const id = documentId(charter)
    expect(linkTarget(`https://mitra.example.org/#/p/${id}/goals`)).toEqual({
      page: "partnership",
      charter,
      tab: "goals",
      meeting: null,
    })
    expect(linkTarget(` http://127.0.0.1:8080/#/invite/mitra_inv_1 `)).toEqual({ page: "invite", secret: "mitra_inv_1" })
    expect(linkTarget(charter)).toMatchObject({ page: "partnership", charter, tab: "charter" })
    expect(linkTarget(id)).toMatchObject({ page: "partnership", charter })
    expect(linkTarget("https://example.org/#/")).toBeNull()
    expect(linkTarget("hello")).toBeNull()
  })
})
