import { Repo } from "@automerge/automerge-repo"
import { describe, expect, it } from "vitest"

import type { MeetingDocument } from "../generated/model"
import { newMeeting } from "../model/create"
import { scalar, str } from "../model/values"
import { OpenDocs, type OpenedDoc } from "./openDocs"

const CHARTER = "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu"

function until<T>(docs: OpenDocs<T>, url: string, state: OpenedDoc<T>["state"]): Promise<OpenedDoc<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${url} never ${state}`)), 5000)
    const stop = docs.docs.subscribe((map) => {
      const opened = map.get(url)
      if (opened?.state === state) {
        clearTimeout(timer)
        queueMicrotask(() => stop())
        resolve(opened)
      }
    })
  })
}

describe("OpenDocs", () => {
  it("opens documents, follows their changes and closes them", async () => {
    const repo = new Repo({ network: [] })
    const a = repo.create<MeetingDocument>(newMeeting("A", "2025-09-16T09:30:00+07:00", "Asia/Jakarta", CHARTER))
    const b = repo.create<MeetingDocument>(newMeeting("B", "2025-12-09T13:00:00+07:00", "Asia/Jakarta", CHARTER))
    const opened: string[] = []
    const closed: string[] = []
    const docs = new OpenDocs<MeetingDocument>(repo, (handle) => {
      opened.push(handle.url)
      return () => closed.push(handle.url)
    })
    docs.show([a.url, b.url])
    const readyA = await until(docs, a.url, "ready")
    await until(docs, b.url, "ready")
    expect(readyA.state === "ready" && str(readyA.doc.title)).toBe("A")
    expect(opened.sort()).toEqual([a.url, b.url].sort())

    a.change((d) => {
      d.title = scalar("A, renamed")
    })
    const now = docs.docs.value.get(a.url)
    expect(now?.state === "ready" && str(now.doc.title)).toBe("A, renamed")

    docs.show([b.url])
    expect(docs.docs.value.has(a.url)).toBe(false)
    expect(closed).toEqual([a.url])
    docs.close()
    expect(docs.docs.value.size).toBe(0)
    expect(closed.sort()).toEqual([a.url, b.url].sort())
  })

  it("marks a missing or invalid document unavailable without holding up the others", async () => {
    const repo = new Repo({ network: [] })
    const a = repo.create<MeetingDocument>(newMeeting("A", "2025-09-16T09:30:00+07:00", "Asia/Jakarta", CHARTER))
    const missing = "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ"
    const docs = new OpenDocs<MeetingDocument>(repo)
    docs.show([missing, "not a url", a.url])
    await until(docs, a.url, "ready")
    await until(docs, "not a url", "unavailable")
    await until(docs, missing, "unavailable")
    docs.close()
  })
})
