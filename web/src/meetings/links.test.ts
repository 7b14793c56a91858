import * as A from "@automerge/automerge"
import { Repo } from "@automerge/automerge-repo"
import { describe, expect, it } from "vitest"

import type { CharterDocument, MeetingDocument } from "../generated/model"
import { newCharter } from "../model/create"
import { str } from "../model/values"
import { createMeeting } from "./createMeeting"
import { newMeetingLink } from "./items"
import { addMeetingLink, sameDocument, sortMeetingLinks, updateMeetingLink } from "./links"

const URL_A = "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu"
const URL_B = "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ"

describe("meeting links", () => {
  it("sorts newest first, comparing instants across offsets", () => {
    const links = [
      newMeetingLink(URL_A, "September", "2025-09-16T09:30:00+07:00"),
      newMeetingLink(URL_B, "December", "2025-12-09T13:00:00+07:00"),
      newMeetingLink(URL_B, "Broken", "soon"),
      // 09:00 in London is 16:00 in Jakarta: later than 13:00 the same day.
      newMeetingLink(URL_A, "London", "2025-12-09T09:00:00+00:00"),
    ]
    expect(sortMeetingLinks(links).map((l) => str(l.title))).toEqual(["London", "December", "September", "Broken"])
  })

  it("matches documents by id whatever the URL form", () => {
    expect(sameDocument(URL_A, URL_A.replace("automerge:", ""))).toBe(true)
    expect(sameDocument(URL_A, URL_B)).toBe(false)
    expect(sameDocument("nonsense", "nonsense")).toBe(false)
  })

  it("keeps a link's title and start in step", () => {
    let charter = A.from(newCharter("Clean air", "en"))
    charter = A.change(charter, (d) => {
      addMeetingLink(d, newMeetingLink(URL_A, "Old", "2025-09-16T09:30:00+07:00"))
      addMeetingLink(d, newMeetingLink(URL_B, "Other", "2025-12-09T13:00:00+07:00"))
    })
    charter = A.change(charter, (d) => {
      expect(updateMeetingLink(d, URL_A, { title: "New", start: "2025-09-17T09:30:00+07:00" })).toBe(true)
      expect(updateMeetingLink(d, URL_A, { title: "New" })).toBe(false)
    })
    expect(str(charter.meetings[0].title)).toBe("New")
    expect(charter.meetings[0].title).toBeInstanceOf(A.ImmutableString)
    expect(str(charter.meetings[0].start)).toBe("2025-09-17T09:30:00+07:00")
    expect(str(charter.meetings[1].title)).toBe("Other")
  })
})

describe("createMeeting", () => {
  it("creates the meeting document and links it from the charter", () => {
    const repo = new Repo({ network: [] })
    const charterHandle = repo.create<CharterDocument>(newCharter("Clean air", "id"))
    const result = createMeeting(repo, charterHandle, {
      title: "  Rapat pengarah  ",
      local: "2025-03-04T09:30",
      timeZone: "Asia/Jakarta",
    })
    if (typeof result === "string") throw new Error(result)
    const meeting = result.doc() as MeetingDocument
    expect(str(meeting.title)).toBe("Rapat pengarah")
    expect(str(meeting.start)).toBe("2025-03-04T09:30:00+07:00")
    expect(str(meeting.timeZone)).toBe("Asia/Jakarta")
    expect(str(meeting.charterUrl)).toBe(charterHandle.url)
    expect(str(meeting.docType)).toBe("meeting")
    const links = charterHandle.doc().meetings
    expect(links).toHaveLength(1)
    expect(str(links[0].url)).toBe(result.url)
    expect(str(links[0].title)).toBe("Rapat pengarah")
    expect(str(links[0].start)).toBe("2025-03-04T09:30:00+07:00")
    expect(links[0].id).toBeInstanceOf(A.ImmutableString)
  })

  it("creates nothing for a plan without title or valid start", () => {
    const repo = new Repo({ network: [] })
    const charterHandle = repo.create<CharterDocument>(newCharter("Clean air", "en"))
    expect(createMeeting(repo, charterHandle, { title: " ", local: "2025-03-04T09:30", timeZone: "UTC" })).toBe("titleRequired")
    expect(createMeeting(repo, charterHandle, { title: "A", local: "", timeZone: "UTC" })).toBe("startInvalid")
    expect(createMeeting(repo, charterHandle, { title: "A", local: "2025-03-04T09:30", timeZone: "Bad/Zone" })).toBe("startInvalid")
    expect(charterHandle.doc().meetings).toHaveLength(0)
  })
})
