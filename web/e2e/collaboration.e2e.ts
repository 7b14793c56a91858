// Two people from two organisations co-edit the demo partnership in real
// Chromium through a real `mitra serve` with sign-in required (its default):
// the first owner sets Mitra up from the printed link and invites a partner,
// then live edits, concurrent typing, presence, offline work, the attested
// history, persistence, a read-only viewer and a removed member.
// Screenshots go to e2e-artifacts/.
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"

import {
  acceptInvitation,
  completeSetup,
  invite,
  launchBrowser,
  Mitra,
  partnershipUrl,
  person,
  screenshot,
  waitSaved,
  type Person,
} from "./harness"

let mitra: Mitra
let browser: Browser
let ayu: Person
let budi: Person

/** The value of the first goal's title input. */
const firstGoalTitle = (page: Page) => page.locator("[data-testid=goal] [data-testid=goal-title]").first()

/** The meeting notes' text, read from the document (not the screen, which shows remote carets' names). */
async function notesText(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const id = location.hash.split("/")[4]
    const services = (window as unknown as { mitra: { repo: { find(url: string): Promise<{ doc(): { notes: string } }> } } }).mitra
    const handle = await services.repo.find(`automerge:${id}`)
    return String(handle.doc().notes)
  })
}

async function openFirstMeeting(p: Person): Promise<void> {
  await p.page.goto(partnershipUrl(p, mitra, "meetings"))
  await p.page.locator("[data-testid=meeting-link]").first().click()
  await p.page.locator("[data-testid=meeting-notes] .cm-content").waitFor()
}

beforeAll(async () => {
  mitra = await Mitra.start()
  browser = await launchBrowser()
  ayu = await person(browser, mitra, "Ayu Lestari", "Dinas Lingkungan Hidup")
  budi = await person(browser, mitra, "Budi Santoso", "Yayasan Udara Bersih")
})

afterAll(async () => {
  await browser?.close()
  await ayu?.link.close()
  await budi?.link.close()
  await mitra?.destroy()
})

describe("two people co-editing the demo partnership", () => {
  test("nobody gets in without signing in; the first owner sets Mitra up and invites a partner", async () => {
    // Before setup, a partnership link leads to "open the setup link".
    await ayu.page.goto(partnershipUrl(ayu, mitra))
    await ayu.page.locator("[data-testid=setup-needed]").waitFor({ timeout: 15_000 })

    await completeSetup(ayu, mitra, "Kemitraan Udara Bersih")
    await screenshot(ayu.page, "after-setup")
    const link = await invite(ayu, mitra, "editor")
    await screenshot(ayu.page, "members-tab")
    await acceptInvitation(budi, link)
  })

  test("both open the charter, connected, with everything saved", async () => {
    for (const p of [ayu, budi]) {
      await p.page.goto(partnershipUrl(p, mitra))
      await expect.poll(() => p.page.locator("[data-testid=partnership-name]").innerText()).toBe(
        "Clean Air Sukamaju Partnership",
      )
      await waitSaved(p)
    }
    await screenshot(ayu.page, "charter")
  })

  test("each sees the other in the participant list, with the section they are in", async () => {
    await ayu.page.goto(partnershipUrl(ayu, mitra, "goals"))
    const budiSeenByAyu = ayu.page.locator('[data-testid=participant][data-name="Budi Santoso"]')
    await budiSeenByAyu.waitFor({ timeout: 10_000 })
    await expect.poll(() => budiSeenByAyu.innerText()).toContain("Yayasan Udara Bersih")
    const ayuSeenByBudi = budi.page.locator('[data-testid=participant][data-name="Ayu Lestari"]')
    await ayuSeenByBudi.waitFor({ timeout: 10_000 })
    await expect.poll(() => ayuSeenByBudi.innerText(), { timeout: 5_000 }).toContain("Goals")
  })

  test("a goal edited by one appears for the other within a second", async () => {
    await budi.page.goto(partnershipUrl(budi, mitra, "goals"))
    await firstGoalTitle(ayu.page).waitFor()
    await firstGoalTitle(budi.page).waitFor()
    const title = "Cut PM2.5 near schools by 30% (edited live)"
    await firstGoalTitle(ayu.page).fill(title)
    await firstGoalTitle(ayu.page).blur()
    const edited = Date.now()
    await firstGoalTitle(budi.page).waitFor()
    await expect.poll(() => firstGoalTitle(budi.page).inputValue(), { timeout: 1_000, interval: 20 }).toBe(title)
    console.log(`goal title reached the other browser in ${Date.now() - edited} ms`)
    await waitSaved(ayu)
    await screenshot(ayu.page.locator("[data-testid=goal]").first(), "goal-with-indicator-chart")
    await expect(ayu.page.locator("[data-testid=goal]").first().locator("[data-testid=indicator-chart]").first().isVisible()).resolves.toBe(true)
  })

  test("both type into the same meeting notes at once and end with the same text holding both", async () => {
    await openFirstMeeting(ayu)
    await openFirstMeeting(budi)
    const before = await notesText(ayu.page)
    const ayuEditor = ayu.page.locator("[data-testid=meeting-notes] .cm-content")
    const budiEditor = budi.page.locator("[data-testid=meeting-notes] .cm-content")
    await ayuEditor.click()
    await ayu.page.keyboard.press("Control+End")
    await budiEditor.click()
    await budi.page.keyboard.press("Control+Home")
    await Promise.all([
      ayu.page.keyboard.type(" Ayu: the sensors at SD Negeri 3 are installed.", { delay: 15 }),
      budi.page.keyboard.type("Budi: the foundation funds two more sensors. ", { delay: 15 }),
    ])
    await expect
      .poll(async () => {
        const [a, b] = await Promise.all([notesText(ayu.page), notesText(budi.page)])
        return a === b && a.includes("the sensors at SD Negeri 3 are installed.") && a.includes("the foundation funds two more sensors.")
      }, { timeout: 10_000 })
      .toBe(true)
    const after = await notesText(ayu.page)
    expect(after.length).toBe(before.length + " Ayu: the sensors at SD Negeri 3 are installed.".length + "Budi: the foundation funds two more sensors. ".length)
    // Each sees the other's caret, labelled with their name.
    await ayu.page.locator('[data-testid=meeting-notes] .remote-caret[data-name="Budi Santoso"]').waitFor({ timeout: 10_000 })
    await budi.page.locator('[data-testid=meeting-notes] .remote-caret[data-name="Ayu Lestari"]').waitFor({ timeout: 10_000 })
    await screenshot(ayu.page, "meeting-in-progress")
  })

  test("offline edits are kept, shown as waiting, and merge when the connection returns", async () => {
    await waitSaved(budi)
    budi.link.cut()
    await budi.context.setOffline(true)
    await budi.page.waitForSelector("[data-testid=connection][data-state=offline]", { timeout: 10_000 })
    const budiEditor = budi.page.locator("[data-testid=meeting-notes] .cm-content")
    await budiEditor.click()
    await budi.page.keyboard.press("Control+End")
    await budi.page.keyboard.type(" Written offline in the field.", { delay: 10 })
    // Meanwhile Ayu keeps writing online.
    const ayuEditor = ayu.page.locator("[data-testid=meeting-notes] .cm-content")
    await ayuEditor.click()
    await ayu.page.keyboard.press("Control+Home")
    await ayu.page.keyboard.type("Ayu online. ", { delay: 10 })
    await budi.page.waitForSelector("[data-testid=connection][data-pending=true]", { timeout: 5_000 })
    expect(await notesText(ayu.page)).not.toContain("Written offline in the field.")

    // The workspace opens again with no connection at all (the service
    // worker has the client, IndexedDB the documents), edits kept.
    await budi.page.waitForTimeout(500)
    await budi.page.reload()
    await budi.page.locator("[data-testid=meeting-notes] .cm-content").waitFor({ timeout: 15_000 })
    // Not connected: "offline" when the browser knows, "reconnecting" when it does not.
    await budi.page.waitForSelector("[data-testid=connection]:not([data-state=connected])")
    console.log(`after an offline reload the client says ${await budi.page.getAttribute("[data-testid=connection]", "data-state")}`)
    expect(await notesText(budi.page)).toContain("Written offline in the field.")
    await budi.page.locator("[data-testid=meeting-notes] .cm-content").click()
    await budi.page.keyboard.press("Control+End")
    await budi.page.keyboard.type(" And after reopening.", { delay: 10 })

    budi.link.restore()
    await budi.context.setOffline(false)
    await waitSaved(budi, 30_000)
    // Polled as a description, so a failure shows what each side holds.
    await expect
      .poll(async () => {
        const [a, b] = await Promise.all([notesText(ayu.page), notesText(budi.page)])
        const merged =
          a.includes("Written offline in the field.") && a.includes("And after reopening.") && a.startsWith("Ayu online. ")
        return a === b && merged ? "converged" : JSON.stringify({ ayu: a, budi: b })
      }, { timeout: 15_000 })
      .toBe("converged")
  })

  test("the history shows who changed the notes, attested by the server: both people and organisations", async () => {
    await waitSaved(ayu)
    const meetingPage = ayu.page.url()
    const meetingUrl = `automerge:${new URL(meetingPage).hash.split("/")[4]!}`
    await ayu.page.goto(partnershipUrl(ayu, mitra, "history"))
    await ayu.page.locator("[data-testid=history-view]").waitFor({ timeout: 15_000 })
    await ayu.page.selectOption("[data-testid=history-document]", meetingUrl)
    const session = (who: Person) =>
      ayu.page.locator(
        `[data-testid=history-session][data-attested=true][data-person="${who.name}"][data-organisation="${who.organisation}"]`,
      )
    await session(ayu).first().waitFor({ timeout: 15_000 })
    await session(budi).first().waitFor({ timeout: 15_000 })
    await screenshot(ayu.page, "history")
    await ayu.page.goto(meetingPage)
    await ayu.page.locator("[data-testid=meeting-notes] .cm-content").waitFor()
  })

  test("presence disappears within a few seconds of someone leaving", async () => {
    const budiSeen = ayu.page.locator('[data-testid=participant][data-name="Budi Santoso"]')
    await budiSeen.first().waitFor()
    await budi.page.close()
    await budiSeen.first().waitFor({ state: "detached", timeout: 6_000 })
  })

  test("a new browser after a server restart shows the same state: the server persisted it", async () => {
    await waitSaved(ayu)
    const notes = await notesText(ayu.page)
    // Carla's invitation, made before the restart, still works after it.
    const carlaInvitation = await invite(ayu, mitra, "viewer")
    await mitra.restart()
    const carla = await person(browser, mitra, "Carla Wijaya", "SMA Negeri 1")
    try {
      await acceptInvitation(carla, carlaInvitation)
      await carla.page.goto(partnershipUrl(carla, mitra, "goals"))
      await expect
        .poll(() => firstGoalTitle(carla.page).inputValue(), { timeout: 15_000 })
        .toBe("Cut PM2.5 near schools by 30% (edited live)")
      await carla.page.goto(partnershipUrl(carla, mitra, "meetings"))
      await carla.page.locator("[data-testid=meeting-link]").first().click()
      await carla.page.locator("[data-testid=meeting-notes] .cm-content").waitFor()
      await expect.poll(() => notesText(carla.page), { timeout: 15_000 }).toBe(notes)
      // And Ayu's own tab reconnects to the restarted server by itself.
      await waitSaved(ayu, 30_000)

      // The Rust model reads what the browsers wrote, without a problem.
      const charter = mitra.export(mitra.charterId)
      expect(charter.problems).toEqual([])
      expect((charter.document.goals as { title: string }[])[0]!.title).toBe("Cut PM2.5 near schools by 30% (edited live)")
      const meetingId = new URL(carla.page.url()).hash.split("/")[4]!
      const meeting = mitra.export(meetingId)
      expect(meeting.problems).toEqual([])
      expect(meeting.document.notes).toBe(notes)

      // Carla is a viewer: she reads everything and cannot change anything.
      await carla.page.goto(partnershipUrl(carla, mitra, "goals"))
      await carla.page.locator("[data-testid=read-only-notice]").waitFor({ timeout: 15_000 })
      await expect.poll(() => firstGoalTitle(carla.page).isDisabled()).toBe(true)

      // Removed from the partnership, she stops receiving its changes at once
      // and, back in the workspace, no longer sees it.
      // (Ayu's Members tab was open since she invited Carla: load it afresh.)
      await ayu.page.goto(partnershipUrl(ayu, mitra, "members"))
      await ayu.page.reload()
      const carlaRow = ayu.page.locator("[data-testid=member-row][data-username=carla]")
      await carlaRow.locator("[data-testid=member-remove]").click()
      await ayu.page.click("[data-testid=member-remove-confirm]")
      await carlaRow.waitFor({ state: "detached" })
      await ayu.page.goto(partnershipUrl(ayu, mitra, "goals"))
      await firstGoalTitle(ayu.page).fill("Edited after Carla left")
      await firstGoalTitle(ayu.page).blur()
      await waitSaved(ayu)
      await carla.page.waitForTimeout(2_000)
      expect(await firstGoalTitle(carla.page).inputValue()).toBe("Cut PM2.5 near schools by 30% (edited live)")
      await carla.page.reload()
      await carla.page.locator("[data-testid=no-access]").waitFor({ timeout: 15_000 })
      expect(carla.errors).toEqual([])
    } finally {
      await carla.context.close()
      await carla.link.close()
    }
    expect(ayu.errors).toEqual([])
  })
})
