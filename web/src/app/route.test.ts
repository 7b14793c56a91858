import { describe, expect, test } from "vitest"
import { generateAutomergeUrl } from "@automerge/automerge-repo"

import { documentId, parseRoute, routeHash, toUrl } from "./route"

describe("routes", () => {
  const charter = generateAutomergeUrl()
  const meeting = generateAutomergeUrl()

  test("a partnership link round-trips through the fragment", () => {
    for (const route of [
      { page: "partnership", charter, tab: "charter", meeting: null },
      { page: "partnership", charter, tab: "goals", meeting: null },
      { page: "partnership", charter, tab: "meetings", meeting },
      { page: "partnership", charter, tab: "actions", meeting: null },
      { page: "start" },
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
})
