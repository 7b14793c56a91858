// @vitest-environment node
import { Repo, type DocumentId } from "@automerge/automerge-repo"
import { afterEach, beforeEach, describe, expect, it } from "vitest"

import type { CharterDocument, MeetingDocument } from "../generated/model"
import { createMeetingInPartnership } from "../meetings/createMeeting"
import { newCharter } from "../model/create"
import { str } from "../model/values"
import { ApiError } from "./api"
import { createCharter, createInPartnership } from "./partnershipDocuments"
import { TestApiServer } from "./testApiServer"
import { MemoryStorage } from "./testStores"

let server: TestApiServer
let repo: Repo

beforeEach(async () => {
  server = await TestApiServer.start()
  repo = new Repo({ network: [] })
})
afterEach(async () => {
  await server.stop().catch(() => undefined)
  await repo.shutdown()
})

/** What the repo held of a document when the server was asked about it. */
type Seen = { step: string; document: string; inRepo: boolean; ready: boolean; name: string | null }

function seen(step: string, document: string): Seen {
  const handle = repo.handles[document as DocumentId]
  const ready = handle?.isReady() ?? false
  const name = ready ? str((handle!.doc() as CharterDocument).name) : null
  return { step, document, inRepo: handle !== undefined, ready, name }
}

describe("createInPartnership", () => {
  it("claims the id before the document exists here, then creates it under that id", async () => {
    const log: Seen[] = []
    server.on("POST /api/partnerships/prt_1/documents", ({ body }) => {
      const { document } = body as { document: string }
      log.push(seen("claim", document))
      return { status: 201, body: { document, partnership: "prt_1", role: "editor" } }
    })
    const handle = await createInPartnership(repo, "prt_1", { title: "Steering meeting", items: [] })
    expect(log).toEqual([{ step: "claim", document: handle.documentId, inRepo: false, ready: false, name: null }])
    expect(handle.isReady()).toBe(true)
    expect(handle.doc()).toMatchObject({ items: [] })
    expect(repo.handles[handle.documentId]).toBe(handle)
  })

  it("saves the new document on this device at once", async () => {
    server.on("POST /api/partnerships/prt_1/documents", ({ body }) => ({
      status: 201,
      body: { document: (body as { document: string }).document, partnership: "prt_1", role: "owner" },
    }))
    const storage = new MemoryStorage()
    const here = new Repo({ network: [], storage })
    const handle = await createInPartnership(here, "prt_1", { title: "Kept" })
    // Another tab (or the page after a reload) reads it from storage.
    const later = new Repo({ network: [], storage })
    const found = await later.find<{ title: string }>(handle.url)
    expect(found.doc().title).toBe("Kept")
    await Promise.all([here.shutdown(), later.shutdown()])
  })

  it("creates nothing when the server refuses the claim", async () => {
    server.on("POST /api/partnerships/prt_1/documents", {
      status: 403,
      body: { error: "forbidden", message: "viewers cannot create documents" },
    })
    const error = await createInPartnership(repo, "prt_1", { title: "x" }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe("forbidden")
    expect(Object.keys(repo.handles)).toEqual([])
  })

  it("creates nothing when the server cannot be reached", async () => {
    await server.stop()
    const error = await createInPartnership(repo, "prt_1", { title: "x" }).catch((e: unknown) => e)
    expect((error as ApiError).isNetwork).toBe(true)
    expect(Object.keys(repo.handles)).toEqual([])
  })
})

describe("createCharter", () => {
  it("claims, creates, then names the charter of the partnership", async () => {
    const log: Seen[] = []
    server
      .on("POST /api/partnerships/prt_9/documents", ({ body }) => {
        const { document } = body as { document: string }
        log.push(seen("claim", document))
        return { status: 201, body: { document, partnership: "prt_9", role: "owner" } }
      })
      .on("PUT /api/partnerships/prt_9/charter", ({ body }) => {
        const { document } = body as { document: string }
        log.push(seen("charter", document))
        return { status: 200, body: { id: "prt_9", name: "Air bersih", charter: document, role: "owner" } }
      })
    const handle = await createCharter(repo, "prt_9", "Air bersih", "id")
    const id = handle.documentId
    expect(log).toEqual([
      { step: "claim", document: id, inRepo: false, ready: false, name: null },
      { step: "charter", document: id, inRepo: true, ready: true, name: "Air bersih" },
    ])
    expect(str(handle.doc().docType)).toBe("charter")
    expect(str(handle.doc().language)).toBe("id")
    expect(handle.doc().purpose).toBe("")
  })
})

describe("createMeetingInPartnership", () => {
  it("asks the charter's partnership, claims the meeting there, then links it from the charter", async () => {
    const charterHandle = repo.create<CharterDocument>(newCharter("Clean air", "en"))
    const log: Seen[] = []
    server
      .on(`GET /api/documents/${charterHandle.documentId}`, {
        status: 200,
        body: {
          document: charterHandle.documentId,
          partnership: { id: "prt_7", name: "Clean air", charter: charterHandle.documentId, role: "editor" },
          role: "editor",
        },
      })
      .on("POST /api/partnerships/prt_7/documents", ({ body }) => {
        const { document } = body as { document: string }
        log.push(seen("claim", document))
        return { status: 201, body: { document, partnership: "prt_7", role: "editor" } }
      })
    const meeting = await createMeetingInPartnership(repo, charterHandle, {
      title: "Steering committee",
      local: "2026-03-04T09:30",
      timeZone: "Asia/Jakarta",
    })
    if (typeof meeting === "string") throw new Error(meeting)
    expect(log).toEqual([{ step: "claim", document: meeting.documentId, inRepo: false, ready: false, name: null }])
    expect(str((meeting.doc() as MeetingDocument).start)).toBe("2026-03-04T09:30:00+07:00")
    expect(charterHandle.doc().meetings.map((m) => str(m.url))).toEqual([meeting.url])
  })

  it("checks the plan before asking the server", async () => {
    const charterHandle = repo.create<CharterDocument>(newCharter("Clean air", "en"))
    expect(await createMeetingInPartnership(repo, charterHandle, { title: "", local: "2026-03-04T09:30", timeZone: "UTC" })).toBe(
      "titleRequired",
    )
    expect(server.received).toEqual([])
  })

  it("creates no meeting and no link when the server cannot be reached", async () => {
    const charterHandle = repo.create<CharterDocument>(newCharter("Clean air", "en"))
    await server.stop()
    const error = await createMeetingInPartnership(repo, charterHandle, {
      title: "Offline",
      local: "2026-03-04T09:30",
      timeZone: "UTC",
    }).catch((e: unknown) => e)
    expect((error as ApiError).isNetwork).toBe(true)
    expect(charterHandle.doc().meetings).toHaveLength(0)
    expect(Object.keys(repo.handles)).toEqual([charterHandle.documentId])
  })
})
